#include "core/policy/policy.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/base/quote_input.h"
#include "core/search/feed_filter.h"

namespace newswire {
namespace {

using Values = google::protobuf::RepeatedPtrField<std::string>;

// Up to a few values, quoted, for a message.
std::string List(const Values& values) {
  constexpr int kShown = 5;
  std::vector<std::string> shown;
  for (int i = 0; i < values.size() && i < kShown; ++i) {
    shown.push_back(absl::StrCat("\"", absl::CHexEscape(values[i]), "\""));
  }
  std::string text = absl::StrJoin(shown, ", ");
  if (values.size() > kShown)
    absl::StrAppend(&text, " and ", values.size() - kShown, " more");
  return text;
}

Values* MutableValues(v1::Filter& filter, ValueField field) {
  switch (field) {
    case ValueField::kSubjects:
      return filter.mutable_subjects();
    case ValueField::kPlaces:
      return filter.mutable_places();
    case ValueField::kPeople:
      return filter.mutable_people();
    case ValueField::kOrganisations:
      return filter.mutable_organisations();
    case ValueField::kSources:
      return filter.mutable_sources();
    case ValueField::kKeywords:
      return filter.mutable_keywords();
  }
  return filter.mutable_keywords();
}

// Narrows `requested` to `entitled` for one field, as EntitledFilter says;
// `within(value, allowed)` returns the value both admit, or "".
template <typename Within>
absl::Status Narrow(absl::string_view name, const Values& entitled, Values& requested,
                    const Principal& principal, Within within) {
  if (entitled.empty()) return absl::OkStatus();
  if (requested.empty()) {
    requested = entitled;
    return absl::OkStatus();
  }
  Values kept;
  for (const std::string& value : requested) {
    for (const std::string& allowed : entitled) {
      std::string both = within(value, allowed);
      if (!both.empty()) {
        if (std::find(kept.begin(), kept.end(), both) == kept.end())
          kept.Add(std::move(both));
      }
    }
  }
  if (kept.empty()) {
    return absl::PermissionDeniedError(
        absl::StrCat("filter.", name, ": ", Describe(principal), " may read only ",
                     List(entitled), "; the request asks only for ", List(requested)));
  }
  requested = std::move(kept);
  return absl::OkStatus();
}

std::string SameValue(const std::string& value, const std::string& allowed) {
  return absl::EqualsIgnoreCase(value, allowed) ? value : std::string();
}

std::string NarrowerLanguage(const std::string& value, const std::string& allowed) {
  const std::string v = absl::AsciiStrToLower(value), a = absl::AsciiStrToLower(allowed);
  if (LanguageWithin(v, a)) return value;
  if (LanguageWithin(a, v)) return allowed;
  return std::string();
}

}  // namespace

std::string Describe(const Principal& principal) {
  switch (principal.via()) {
    case Principal::Via::kInProcess:
      return "the server itself";
    case Principal::Via::kOpen:
      return "an open server's caller";
    case Principal::Via::kKey:
    case Principal::Via::kCertificate:
      return absl::StrCat("key \"", absl::CHexEscape(principal.name()), "\" (",
                          principal.key_id(), ")");
  }
  return "?";
}

absl::Status RequireScope(const Principal& principal, v1::Scope scope) {
  if (principal.HasScope(scope)) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat(Describe(principal), " lacks the ", ScopeName(scope), " scope"));
}

absl::Status AuthorizePublish(const Principal& principal, const Article& article,
                              const Article* current) {
  if (absl::Status s = RequireScope(principal, v1::SCOPE_PUBLISH); !s.ok()) return s;
  if (!principal.LimitedToSources()) return absl::OkStatus();
  const Values& sources = principal.entitlements().sources();
  if (!principal.HasSource(article.source().name())) {
    return absl::PermissionDeniedError(absl::StrCat(
        "source: ", Describe(principal), " may publish only as ", List(sources),
        ", not as ", QuoteInput(article.source().name())));
  }
  if (current != nullptr && !principal.HasSource(current->source().name())) {
    return absl::PermissionDeniedError(absl::StrCat(
        "article ", QuoteInput(article.id()), " is a story of source ",
        QuoteInput(current->source().name()), ": ",
        Describe(principal), " may update or kill only stories of ", List(sources)));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Filter> EntitledFilter(const Principal& principal,
                                          const v1::Filter& requested) {
  const v1::Filter& entitled = principal.read_filter();
  v1::Filter narrowed = requested;
  for (ValueField field : kAllValueFields) {
    if (absl::Status s = Narrow(ValueFieldName(field), FilterValues(entitled, field),
                                *MutableValues(narrowed, field), principal, SameValue);
        !s.ok()) {
      return s;
    }
  }
  if (absl::Status s = Narrow("languages", entitled.languages(),
                              *narrowed.mutable_languages(), principal, NarrowerLanguage);
      !s.ok()) {
    return s;
  }
  if (entitled.min_urgency() != 0) {
    narrowed.set_min_urgency(
        narrowed.min_urgency() == 0
            ? entitled.min_urgency()
            : std::min(narrowed.min_urgency(), entitled.min_urgency()));
  }
  if (entitled.exclude_duplicates()) narrowed.set_exclude_duplicates(true);
  return narrowed;
}

absl::Status AuthorizeRead(const Principal& principal, const Article& article) {
  const v1::Filter& entitled = principal.read_filter();
  const ArticleFacts facts(article);
  auto outside = [&](absl::string_view field, const std::string& detail) {
    return absl::PermissionDeniedError(absl::StrCat(
        "article ", QuoteInput(article.id()), " is outside the ",
        field, " ", Describe(principal), " may read (", detail, ")"));
  };
  for (ValueField field : kAllValueFields) {
    const Values& allowed = FilterValues(entitled, field);
    if (allowed.empty()) continue;
    const auto& have = facts.Values(field);
    const bool any = std::any_of(
        allowed.begin(), allowed.end(),
        [&](const std::string& v) { return have.contains(absl::AsciiStrToLower(v)); });
    if (!any) return outside(ValueFieldName(field), absl::StrCat("only ", List(allowed)));
  }
  if (entitled.languages_size() > 0) {
    const bool any = std::any_of(entitled.languages().begin(), entitled.languages().end(),
                                 [&](const std::string& range) {
                                   return LanguageWithin(facts.language(),
                                                         absl::AsciiStrToLower(range));
                                 });
    if (!any)
      return outside("languages", absl::StrCat("only ", List(entitled.languages())));
  }
  if (entitled.min_urgency() != 0 &&
      (facts.urgency() == 0 || facts.urgency() > entitled.min_urgency())) {
    return outside("urgencies", absl::StrCat("urgency 1 to ", entitled.min_urgency()));
  }
  if (entitled.exclude_duplicates() && facts.near_duplicate()) {
    return outside("stories", "no near-duplicates");
  }
  return absl::OkStatus();
}

absl::Status ValidateEntitlements(const v1::Entitlements& entitlements) {
  if (entitlements.scopes().empty()) {
    return absl::InvalidArgumentError(
        "entitlements.scopes: at least one of publish, subscribe, search, admin");
  }
  for (int scope : entitlements.scopes()) {
    if (!v1::Scope_IsValid(scope) || scope == v1::SCOPE_UNSPECIFIED) {
      return absl::InvalidArgumentError(
          absl::StrCat("entitlements.scopes: ", scope, " is not a scope"));
    }
  }
  if (entitlements.sources_size() > kMaxFilterValues) {
    return absl::InvalidArgumentError(
        absl::StrCat("entitlements.sources: over ", kMaxFilterValues, " values"));
  }
  for (const std::string& source : entitlements.sources()) {
    if (source.empty() || source.size() > kMaxFilterValueBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("entitlements.sources: a source name must have 1 to ",
                       kMaxFilterValueBytes, " bytes"));
    }
  }
  const v1::Filter& filter = entitlements.filter();
  if (!filter.query().empty()) {
    return absl::InvalidArgumentError(
        "entitlements.filter.query: a key's filter cannot hold a query");
  }
  if (filter.sources_size() > 0) {
    return absl::InvalidArgumentError(
        "entitlements.filter.sources: give sources as entitlements.sources (--sources)");
  }
  if (absl::Status s = ValidateFilter(filter); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("entitlements.", s.message()));
  }
  return absl::OkStatus();
}

}  // namespace newswire
