// The full-text query syntax of search and of subscription queries,
// translated to SQLite FTS5 (live_query.h matches it without SQLite).
//
//   drones Kursk          both words (in any field, any order)
//   "North Korean forces" the phrase
//   drones OR missiles    either
//   sanction*             a prefix
//
// Terms side by side must all match; OR binds looser than that, so
// "a b OR c" means (a AND b) OR c, as in FTS5.
//
// Words are matched case- and accent-insensitively; punctuation inside a
// word ("U.S.", "Japan’s") is handled by the tokenizer, never a syntax error.
#ifndef NEWSWIRE_CORE_SEARCH_SEARCH_QUERY_H_
#define NEWSWIRE_CORE_SEARCH_SEARCH_QUERY_H_

#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace newswire {

// Longest query accepted, in bytes.
inline constexpr size_t kMaxQueryBytes = 1024;

// A query translated to FTS5.
struct Fts5Query {
  struct Phrase {
    // As FTS5 reads it: "word", "a phrase" or "prefix"*.
    std::string match;
    // As the user wrote it, without quotes or the prefix star.
    std::string text;
    // The last word of `text` is a prefix.
    bool prefix = false;
    // For a prefix of ASCII letters and digits only, the prefix lower-cased:
    // the index's words that it begins start with exactly this. Empty
    // otherwise (the tokenizer may fold accents or split punctuation).
    std::string plain_prefix;
  };
  // The phrases (words, quoted phrases, prefixes), in the order FTS5
  // numbers them.
  std::vector<Phrase> phrases;
  // or_before[i]: OR joins phrase i to the one before it (else AND does).
  std::vector<bool> or_before;

  // The MATCH expression, phrase i written as render(i).
  std::string Expression(absl::FunctionRef<std::string(size_t)> render) const;
  // The MATCH expression, each phrase as its `match`.
  std::string Expression() const;
};

// Returns the FTS5 form of `query`, or INVALID_ARGUMENT naming the problem:
// an unclosed quote, OR without a term on each side, a query with no
// searchable word, or one over kMaxQueryBytes.
absl::StatusOr<Fts5Query> ToFts5Query(absl::string_view query);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_SEARCH_SEARCH_QUERY_H_
