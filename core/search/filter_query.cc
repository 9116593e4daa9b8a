#include "core/search/filter_query.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "core/base/quote_input.h"
#include "core/search/feed_filter.h"

namespace newswire {
namespace {

using Values = google::protobuf::RepeatedPtrField<std::string>;

}  // namespace

absl::StatusOr<std::string> DecodeQueryValue(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      const absl::string_view hex = text.substr(i + 1, 2);
      if (hex.size() != 2 || !absl::ascii_isxdigit(hex[0]) ||
          !absl::ascii_isxdigit(hex[1])) {
        return absl::InvalidArgumentError("a '%' escape needs two hex digits");
      }
      out.push_back(absl::HexStringToBytes(hex)[0]);
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string EncodeQueryValue(absl::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      absl::StrAppend(&out, "%",
                      absl::AsciiStrToUpper(absl::BytesToHexString(
                          absl::string_view(reinterpret_cast<char*>(&c), 1))));
    }
  }
  return out;
}

namespace {

// The repeated field parameter `name` fills, or nullptr.
Values* ListField(v1::Filter& filter, absl::string_view name) {
  if (name == "subject" || name == "subjects") return filter.mutable_subjects();
  if (name == "place" || name == "places") return filter.mutable_places();
  if (name == "person" || name == "people") return filter.mutable_people();
  if (name == "organisation" || name == "organisations" || name == "organization" ||
      name == "organizations") {
    return filter.mutable_organisations();
  }
  if (name == "source" || name == "sources") return filter.mutable_sources();
  if (name == "lang" || name == "language" || name == "languages") {
    return filter.mutable_languages();
  }
  if (name == "keyword" || name == "keywords") return filter.mutable_keywords();
  return nullptr;
}

}  // namespace

absl::StatusOr<v1::Filter> ParseFilterQuery(absl::string_view query) {
  absl::ConsumePrefix(&query, "?");
  v1::Filter filter;
  for (absl::string_view pair : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    const size_t eq = pair.find('=');
    absl::StatusOr<std::string> name = DecodeQueryValue(pair.substr(0, eq));
    absl::StatusOr<std::string> value = DecodeQueryValue(
        eq == absl::string_view::npos ? absl::string_view() : pair.substr(eq + 1));
    if (!name.ok() || !value.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("filter ", QuoteInput(pair), ": ",
                       (!name.ok() ? name.status() : value.status()).message()));
    }
    const std::string key = absl::AsciiStrToLower(*name);
    if (Values* values = ListField(filter, key)) {
      if (value->empty()) {
        return absl::InvalidArgumentError(absl::StrCat("filter ", key, ": empty value"));
      }
      values->Add(*std::move(value));
    } else if (key == "min_urgency") {
      uint32_t urgency = 0;
      if (!absl::SimpleAtoi(*value, &urgency)) {
        return absl::InvalidArgumentError(
            absl::StrCat("filter min_urgency: ", QuoteInput(*value),
                         " is not a number from 1 to 9"));
      }
      filter.set_min_urgency(urgency);
    } else if (key == "q" || key == "query") {
      filter.set_query(*std::move(value));
    } else if (key == "exclude_duplicates") {
      const std::string v = absl::AsciiStrToLower(*value);
      if (v == "" || v == "true" || v == "1" || v == "yes") {
        filter.set_exclude_duplicates(true);
      } else if (v == "false" || v == "0" || v == "no") {
        filter.set_exclude_duplicates(false);
      } else {
        return absl::InvalidArgumentError("filter exclude_duplicates: true or false");
      }
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "filter: unknown parameter ", QuoteInput(key),
          " (subject, place, person, organisation, source, lang, keyword, min_urgency, "
          "q, "
          "exclude_duplicates)"));
    }
  }
  if (absl::Status s = ValidateFilter(filter); !s.ok()) return s;
  return filter;
}

absl::StatusOr<QueryParts> TakeQueryParams(absl::string_view query,
                                           std::initializer_list<absl::string_view> names) {
  absl::ConsumePrefix(&query, "?");
  QueryParts parts;
  std::vector<absl::string_view> rest;
  for (absl::string_view pair : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    const size_t eq = pair.find('=');
    const absl::string_view name = pair.substr(0, eq);
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      rest.push_back(pair);
      continue;
    }
    absl::StatusOr<std::string> value =
        DecodeQueryValue(eq == absl::string_view::npos ? absl::string_view() : pair.substr(eq + 1));
    if (!value.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(name, ": ", value.status().message()));
    }
    parts.taken[std::string(name)] = *std::move(value);
  }
  parts.rest = absl::StrJoin(rest, "&");
  return parts;
}

std::string FilterQueryString(const v1::Filter& filter) {
  std::vector<std::string> parts;
  auto add = [&parts](absl::string_view name, const Values& values) {
    for (const std::string& v : values)
      parts.push_back(absl::StrCat(name, "=", EncodeQueryValue(v)));
  };
  add("subject", filter.subjects());
  add("place", filter.places());
  add("person", filter.people());
  add("organisation", filter.organisations());
  add("source", filter.sources());
  add("lang", filter.languages());
  add("keyword", filter.keywords());
  if (filter.min_urgency() != 0)
    parts.push_back(absl::StrCat("min_urgency=", filter.min_urgency()));
  if (!filter.query().empty())
    parts.push_back(absl::StrCat("q=", EncodeQueryValue(filter.query())));
  if (filter.exclude_duplicates()) parts.push_back("exclude_duplicates=true");
  return absl::StrJoin(parts, "&");
}

}  // namespace newswire
