#include "core/search/text_tokenizer.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace newswire {
namespace {

// Must match the `tokenize` option of the search index (kSearchIndexSchema);
// tests/core/live_query_test.cc checks that live queries and search agree.
constexpr const char* kTokenizerArgs[] = {"remove_diacritics", "2"};

int OnToken(void* context, int /*flags*/, const char* token, int size, int /*start*/,
            int /*end*/) {
  auto& callback = *static_cast<absl::FunctionRef<void(absl::string_view)>*>(context);
  callback(absl::string_view(token, static_cast<size_t>(size)));
  return SQLITE_OK;
}

}  // namespace

absl::StatusOr<fts5_api*> FindFts5Api(SqliteConnection& db) {
  // The FTS5 API is handed out through a pointer-typed SQL value.
  fts5_api* api = nullptr;
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db.handle(), "SELECT fts5(?1)", -1, &stmt, nullptr);
  if (rc == SQLITE_OK) {
    sqlite3_bind_pointer(stmt, 1, &api, "fts5_api_ptr", nullptr);
    rc = sqlite3_step(stmt);
  }
  sqlite3_finalize(stmt);
  if (api == nullptr) return db.Error(rc, "finding the FTS5 API");
  return api;
}

absl::StatusOr<TextTokenizer*> TextTokenizer::ForThisThread() {
  thread_local std::unique_ptr<TextTokenizer> mine;
  if (mine != nullptr) return mine.get();
  std::unique_ptr<TextTokenizer> made(new TextTokenizer());
  absl::StatusOr<std::unique_ptr<SqliteConnection>> db =
      SqliteConnection::Open(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!db.ok()) return db.status();
  made->db_ = *std::move(db);
  absl::StatusOr<fts5_api*> api = FindFts5Api(*made->db_);
  if (!api.ok()) return api.status();
  void* user_data = nullptr;
  if ((*api)->xFindTokenizer(*api, "unicode61", &user_data, &made->methods_) != SQLITE_OK ||
      made->methods_.xCreate(user_data, const_cast<const char**>(kTokenizerArgs),
                             std::size(kTokenizerArgs), &made->tokenizer_) != SQLITE_OK) {
    return absl::InternalError("the FTS5 unicode61 tokenizer is not available");
  }
  mine = std::move(made);
  return mine.get();
}

TextTokenizer::~TextTokenizer() {
  if (tokenizer_ != nullptr) methods_.xDelete(tokenizer_);
}

void TextTokenizer::Tokenize(absl::string_view text, bool as_query,
                             absl::FunctionRef<void(absl::string_view)> token) {
  methods_.xTokenize(tokenizer_, &token,
                     as_query ? FTS5_TOKENIZE_QUERY : FTS5_TOKENIZE_DOCUMENT, text.data(),
                     static_cast<int>(text.size()), &OnToken);
}

}  // namespace newswire
