// A filter written as URL query parameters, as the HTTP edge takes it and
// `newswire keys create --filter` does:
//
//   place=Kyiv&place=Lviv&lang=en&min_urgency=3&q=grain+exports
//
// Parameters (repeat one for several values; any of them matches):
// subject, place, person, organisation (or organization), source,
// lang (or language), keyword, min_urgency, q (or query: search syntax),
// exclude_duplicates (true/false, 1/0). Plural names (places, …) are
// accepted too. Values are percent-decoded and '+' reads as a space.
#ifndef NEWSWIRE_CORE_SEARCH_FILTER_QUERY_H_
#define NEWSWIRE_CORE_SEARCH_FILTER_QUERY_H_

#include <initializer_list>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "newswire/v1/feed.pb.h"

namespace newswire {

// Parses `query` (an optional leading '?' is skipped). INVALID_ARGUMENT
// names an unknown parameter or a bad value; the result is checked as
// ValidateFilter does.
absl::StatusOr<v1::Filter> ParseFilterQuery(absl::string_view query);

// A query split into the parameters a route takes besides the filter and
// the rest, for ParseFilterQuery.
struct QueryParts {
  // Each taken parameter's value, percent-decoded; a repeated one's last.
  absl::flat_hash_map<std::string, std::string> taken;
  std::string rest;  // The other parameters, as they were.
};

// Takes the parameters named in `names` out of `query`. INVALID_ARGUMENT
// for a value with a broken '%' escape, naming the parameter.
absl::StatusOr<QueryParts> TakeQueryParams(absl::string_view query,
                                           std::initializer_list<absl::string_view> names);

// `filter` written back as query parameters (empty for an empty filter).
std::string FilterQueryString(const v1::Filter& filter);

// Percent-decodes one name or value of a query (or of a form body,
// application/x-www-form-urlencoded), '+' as a space. INVALID_ARGUMENT for
// a broken escape.
absl::StatusOr<std::string> DecodeQueryValue(absl::string_view text);

// Percent-encodes `text` for a query, a space as '+'; only unreserved
// characters (RFC 3986: letters, digits, "-._~") stay as they are.
std::string EncodeQueryValue(absl::string_view text);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_SEARCH_FILTER_QUERY_H_
