// The words of a text exactly as the search index sees them: FTS5's own
// `unicode61 remove_diacritics 2` tokenizer (the one kSearchIndexSchema
// names), so a live subscription query and a search agree on what a word
// is — case, accents, punctuation inside words, scripts without spaces.
#ifndef NEWSWIRE_CORE_SEARCH_TEXT_TOKENIZER_H_
#define NEWSWIRE_CORE_SEARCH_TEXT_TOKENIZER_H_

#include <memory>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/base/sqlite.h"

namespace newswire {

// The fts5_api of `db` (how extensions reach FTS5), or the error.
absl::StatusOr<fts5_api*> FindFts5Api(SqliteConnection& db);

class TextTokenizer {
 public:
  // The tokenizer of the calling thread, made on first use (it owns an
  // in-memory SQLite connection). Returns INTERNAL if SQLite lacks FTS5.
  static absl::StatusOr<TextTokenizer*> ForThisThread();

  TextTokenizer(const TextTokenizer&) = delete;
  TextTokenizer& operator=(const TextTokenizer&) = delete;
  ~TextTokenizer();

  // Calls `token` with each word of `text`, folded (lower case, no
  // diacritics), in order. `as_query` tokenizes as FTS5 does a query.
  void Tokenize(absl::string_view text, bool as_query,
                absl::FunctionRef<void(absl::string_view token)> token);

 private:
  TextTokenizer() = default;

  std::unique_ptr<SqliteConnection> db_;
  fts5_tokenizer methods_ = {};
  Fts5Tokenizer* tokenizer_ = nullptr;
};

}  // namespace newswire

#endif  // NEWSWIRE_CORE_SEARCH_TEXT_TOKENIZER_H_
