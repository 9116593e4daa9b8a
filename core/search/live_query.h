// A full-text query (search_query.h syntax) matched against one article in
// memory, as live subscription events arrive: the same words, phrases, OR
// and prefixes as search, tokenized by the same tokenizer
// (text_tokenizer.h), so a subscription and a search with the same query
// agree on which articles match.
#ifndef NEWSWIRE_CORE_SEARCH_LIVE_QUERY_H_
#define NEWSWIRE_CORE_SEARCH_LIVE_QUERY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/model/article.h"

namespace newswire {

// The words of an article's searchable text (headline, dateline, summary,
// body), in order. A phrase never spans two fields.
class ArticleText {
 public:
  // Tokenizes `article`. REQUIRES: the thread's TextTokenizer is available
  // (see TextTokenizer::ForThisThread); without one the text has no words.
  explicit ArticleText(const Article& article);

  // The distinct words.
  const absl::flat_hash_map<std::string, std::vector<uint32_t>>& words() const {
    return positions_;
  }
  // Whether `words` appear one after another, the last one as a prefix
  // when `last_is_prefix`.
  bool HasPhrase(const std::vector<std::string>& words, bool last_is_prefix) const;

 private:
  // Word at each position; "" between fields.
  std::vector<std::string> by_position_;
  absl::flat_hash_map<std::string, std::vector<uint32_t>> positions_;
};

class LiveQuery {
 public:
  // A word every matching article holds (or a prefix one of its words
  // begins with): the keys to index a subscription under.
  struct Anchor {
    std::string word;
    bool prefix = false;
  };

  // Compiles `query`, or INVALID_ARGUMENT naming the problem (as search).
  static absl::StatusOr<LiveQuery> Compile(absl::string_view query);

  bool Matches(const ArticleText& text) const;

  // Anchors such that every article the query matches holds at least one:
  // one per OR-branch, its rarest-looking word.
  std::vector<Anchor> Anchors() const;

 private:
  struct Phrase {
    std::vector<std::string> words;
    bool prefix = false;
  };
  // OR of branches, each an AND of phrases.
  std::vector<std::vector<Phrase>> branches_;
};

}  // namespace newswire

#endif  // NEWSWIRE_CORE_SEARCH_LIVE_QUERY_H_
