#include "core/search/feed_filter.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/base/quote_input.h"
#include "core/ingest/letters.h"

namespace newswire {
namespace {


// Adds an entity's name and code, case-blind, to `values`.
void AddEntities(const google::protobuf::RepeatedPtrField<v1::Entity>& entities,
                 absl::flat_hash_set<std::string>& values) {
  for (const v1::Entity& e : entities) {
    if (!e.name().empty()) values.insert(CaseBlind(e.name()));
    if (!e.code().empty()) values.insert(CaseBlind(e.code()));
  }
}

}  // namespace

absl::string_view PrimarySubtag(absl::string_view tag) {
  return tag.substr(0, tag.find('-'));
}

bool LanguageWithin(absl::string_view tag, absl::string_view range) {
  return tag == range ||
         (absl::StartsWith(tag, range) && tag.size() > range.size() && tag[range.size()] == '-');
}

const char* ValueFieldName(ValueField field) {
  switch (field) {
    case ValueField::kSubjects: return "subjects";
    case ValueField::kPlaces: return "places";
    case ValueField::kPeople: return "people";
    case ValueField::kOrganisations: return "organisations";
    case ValueField::kSources: return "sources";
    case ValueField::kKeywords: return "keywords";
  }
  return "?";
}

const google::protobuf::RepeatedPtrField<std::string>& FilterValues(const v1::Filter& filter,
                                                                    ValueField field) {
  switch (field) {
    case ValueField::kSubjects: return filter.subjects();
    case ValueField::kPlaces: return filter.places();
    case ValueField::kPeople: return filter.people();
    case ValueField::kOrganisations: return filter.organisations();
    case ValueField::kSources: return filter.sources();
    case ValueField::kKeywords: return filter.keywords();
  }
  return filter.keywords();
}

absl::Status ValidateFilter(const v1::Filter& filter) {
  auto too_many = [](absl::string_view name, int n) {
    return absl::InvalidArgumentError(absl::StrCat("filter.", name, ": ", n,
                                                   " values is over the limit of ",
                                                   kMaxFilterValues));
  };
  for (ValueField field : kAllValueFields) {
    const auto& values = FilterValues(filter, field);
    if (values.size() > kMaxFilterValues) return too_many(ValueFieldName(field), values.size());
    for (const std::string& v : values) {
      if (v.size() > kMaxFilterValueBytes) {
        return absl::InvalidArgumentError(absl::StrCat(
            "filter.", ValueFieldName(field), ": a value of ", v.size(),
            " bytes is over the limit of ", kMaxFilterValueBytes));
      }
    }
  }
  if (filter.languages_size() > kMaxFilterValues) {
    return too_many("languages", filter.languages_size());
  }
  for (const std::string& language : filter.languages()) {
    if (!IsLanguageTag(language)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "filter.languages: ", QuoteInput(language),
          " is not a language tag such as \"en\" or \"pt-BR\""));
    }
  }
  if (filter.min_urgency() > kMaxUrgency) {
    return absl::InvalidArgumentError(absl::StrCat(
        "filter.min_urgency: ", filter.min_urgency(),
        " is not a ninjs urgency (1 most urgent to 9; 0 admits everything)"));
  }
  return absl::OkStatus();
}

ArticleFacts::ArticleFacts(const Article& article)
    : article_(article),
      language_(absl::AsciiStrToLower(article.language())),
      near_duplicate_(IsNearDuplicate(article)) {
  auto& v = values_;
  AddEntities(article.subjects(), v[static_cast<size_t>(ValueField::kSubjects)]);
  AddEntities(article.places(), v[static_cast<size_t>(ValueField::kPlaces)]);
  AddEntities(article.people(), v[static_cast<size_t>(ValueField::kPeople)]);
  AddEntities(article.organisations(), v[static_cast<size_t>(ValueField::kOrganisations)]);
  if (!article.source().name().empty()) {
    v[static_cast<size_t>(ValueField::kSources)].insert(CaseBlind(article.source().name()));
  }
  for (const std::string& keyword : article.keywords()) {
    if (!keyword.empty()) {
      v[static_cast<size_t>(ValueField::kKeywords)].insert(CaseBlind(keyword));
    }
  }
}

const ArticleText& ArticleFacts::Text() const {
  if (text_ == nullptr) text_ = std::make_unique<ArticleText>(article_);
  return *text_;
}

absl::StatusOr<FeedFilter> FeedFilter::Compile(const v1::Filter& filter) {
  if (absl::Status s = ValidateFilter(filter); !s.ok()) return s;
  FeedFilter compiled;
  for (ValueField field : kAllValueFields) {
    for (const std::string& value : FilterValues(filter, field)) {
      compiled.values_[static_cast<size_t>(field)].insert(CaseBlind(value));
    }
  }
  for (const std::string& language : filter.languages()) {
    compiled.languages_.push_back(absl::AsciiStrToLower(language));
  }
  compiled.min_urgency_ = filter.min_urgency();
  compiled.exclude_duplicates_ = filter.exclude_duplicates();
  if (!filter.query().empty()) {
    absl::StatusOr<LiveQuery> query = LiveQuery::Compile(filter.query());
    if (!query.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("filter.", query.status().message()));
    }
    compiled.query_ = *std::move(query);
  }
  return compiled;
}

bool FeedFilter::MatchesEverything() const {
  return std::all_of(values_.begin(), values_.end(), [](const auto& v) { return v.empty(); }) &&
         languages_.empty() && min_urgency_ == 0 && !query_.has_value() &&
         !exclude_duplicates_;
}

bool FeedFilter::Matches(const ArticleFacts& facts) const {
  for (size_t f = 0; f < kValueFields; ++f) {
    if (values_[f].empty()) continue;
    const auto& have = facts.Values(static_cast<ValueField>(f));
    const bool any = std::any_of(values_[f].begin(), values_[f].end(),
                                 [&have](const std::string& v) { return have.contains(v); });
    if (!any) return false;
  }
  if (!languages_.empty()) {
    const std::string& language = facts.language();
    const bool any = std::any_of(languages_.begin(), languages_.end(), [&](const std::string& t) {
      return LanguageWithin(language, t);
    });
    if (!any) return false;
  }
  if (min_urgency_ != 0 && (facts.urgency() == 0 || facts.urgency() > min_urgency_)) {
    return false;
  }
  if (exclude_duplicates_ && facts.near_duplicate()) return false;
  if (query_.has_value() && !query_->Matches(facts.Text())) return false;
  return true;
}

std::vector<FeedFilter::Key> FeedFilter::IndexKeys() const {
  std::vector<Key> keys;
  // The value field with the fewest values: cheap to look up, and every
  // match holds one of them.
  std::optional<size_t> narrowest;
  for (size_t f = 0; f < kValueFields; ++f) {
    if (!values_[f].empty() && (!narrowest || values_[f].size() < values_[*narrowest].size())) {
      narrowest = f;
    }
  }
  if (narrowest.has_value()) {
    for (const std::string& value : values_[*narrowest]) {
      keys.push_back(Key{.kind = Key::kValue,
                         .field = static_cast<ValueField>(*narrowest),
                         .value = value});
    }
  } else if (query_.has_value()) {
    for (LiveQuery::Anchor& anchor : query_->Anchors()) {
      keys.push_back(Key{.kind = anchor.prefix ? Key::kPrefix : Key::kWord,
                         .value = std::move(anchor.word)});
    }
  } else if (!languages_.empty()) {
    absl::flat_hash_set<std::string> primaries;
    for (const std::string& tag : languages_) primaries.emplace(PrimarySubtag(tag));
    for (const std::string& primary : primaries) {
      keys.push_back(Key{.kind = Key::kLanguage, .value = primary});
    }
  } else if (min_urgency_ != 0) {
    keys.push_back(Key{.kind = Key::kUrgency, .value = absl::StrCat(min_urgency_)});
  } else if (exclude_duplicates_) {
    keys.push_back(Key{.kind = Key::kOriginal, .value = ""});
  }
  return keys;
}

}  // namespace newswire
