// The full-text query syntax of search (and, later, subscription queries),
// translated to SQLite FTS5.
//
//   drones Kursk          both words (in any field, any order)
//   "North Korean forces" the phrase
//   drones OR missiles    either
//   sanction*             a prefix
//
// Words are matched case- and accent-insensitively; punctuation inside a
// word ("U.S.", "Japan’s") is handled by the tokenizer, never a syntax error.
#ifndef NEWSWIRE_CORE_SEARCH_QUERY_H_
#define NEWSWIRE_CORE_SEARCH_QUERY_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace newswire {

// Longest query accepted, in bytes.
inline constexpr size_t kMaxQueryBytes = 1024;

// A query translated to FTS5.
struct Fts5Query {
  // The MATCH expression.
  std::string expression;
  // Its phrases (words, quoted phrases, prefixes), each a MATCH expression
  // of its own, in the order FTS5 numbers them.
  std::vector<std::string> phrases;
};

// Returns the FTS5 form of `query`, or INVALID_ARGUMENT naming the problem:
// an unclosed quote, OR without a term on each side, a query with no
// searchable word, or one over kMaxQueryBytes.
absl::StatusOr<Fts5Query> ToFts5Query(absl::string_view query);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_SEARCH_QUERY_H_
