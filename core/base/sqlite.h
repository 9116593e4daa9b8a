// A thin RAII layer over the SQLite C API: connections, cached prepared
// statements, and errors as absl::Status naming the database file.
#ifndef NEWSWIRE_CORE_BASE_SQLITE_H_
#define NEWSWIRE_CORE_BASE_SQLITE_H_

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace newswire {

// Maps a SQLite result code to a canonical status: SQLITE_FULL is
// RESOURCE_EXHAUSTED, SQLITE_NOTADB/CORRUPT are FAILED_PRECONDITION /
// DATA_LOSS, SQLITE_PERM/READONLY/CANTOPEN are PERMISSION_DENIED or
// UNAVAILABLE, busy/locked UNAVAILABLE, the rest INTERNAL. The message
// starts with `context`.
absl::Status SqliteError(int code, absl::string_view context,
                         absl::string_view detail);

// A prepared statement, reset and with bindings cleared when the Scoped
// handle that Prepare returned goes away. Bind parameters are 1-based,
// columns 0-based.
class SqliteStatement {
 public:
  explicit SqliteStatement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  ~SqliteStatement() { sqlite3_finalize(stmt_); }

  void Bind(int index, int64_t value) { sqlite3_bind_int64(stmt_, index, value); }
  // The text or blob must outlive the step (SQLITE_STATIC).
  void BindText(int index, absl::string_view value) {
    sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                      SQLITE_STATIC);
  }
  void BindBlob(int index, absl::string_view value) {
    sqlite3_bind_blob(stmt_, index, value.data(), static_cast<int>(value.size()),
                      SQLITE_STATIC);
  }

  // Returns SQLITE_ROW, SQLITE_DONE or an error code.
  int Step() { return sqlite3_step(stmt_); }

  int64_t ColumnInt(int column) { return sqlite3_column_int64(stmt_, column); }
  double ColumnDouble(int column) { return sqlite3_column_double(stmt_, column); }
  absl::string_view ColumnBytes(int column) {
    const void* data = sqlite3_column_blob(stmt_, column);
    return absl::string_view(static_cast<const char*>(data),
                             static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
  }

  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

 private:
  sqlite3_stmt* stmt_;
};

// One SQLite connection. Not thread-safe: use from one thread at a time.
class SqliteConnection {
 public:
  // Opens `path` with `flags` (SQLITE_OPEN_*); SQLITE_OPEN_NOMUTEX is added.
  static absl::StatusOr<std::unique_ptr<SqliteConnection>> Open(
      const std::string& path, int flags);

  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;
  ~SqliteConnection();

  // Runs one or more statements that return no rows.
  absl::Status Execute(absl::string_view sql);

  // Runs a statement returning one integer (e.g. a PRAGMA).
  absl::StatusOr<int64_t> QueryInt(absl::string_view sql);

  // Prepares a statement used once (SQL built at run time).
  absl::StatusOr<std::unique_ptr<SqliteStatement>> PrepareOnce(const std::string& sql);

  // A statement prepared once per connection and reused; reset on release.
  class Scoped {
   public:
    explicit Scoped(SqliteStatement* stmt) : stmt_(stmt) {}
    Scoped(Scoped&& other) noexcept : stmt_(std::exchange(other.stmt_, nullptr)) {}
    Scoped& operator=(Scoped&&) = delete;
    ~Scoped() {
      if (stmt_ != nullptr) stmt_->Reset();
    }
    SqliteStatement* operator->() { return stmt_; }
    SqliteStatement& operator*() { return *stmt_; }

   private:
    SqliteStatement* stmt_;
  };
  // REQUIRES: `sql` is a string literal (it keys the cache).
  absl::StatusOr<Scoped> Prepare(const char* sql);

  // An error for result `code` of the last call, naming the file.
  absl::Status Error(int code, absl::string_view doing) const;

  // Steps `stmt`, a statement that returns no rows, then resets it and
  // clears its bindings; an error names what it was `doing`.
  absl::Status Run(SqliteStatement& stmt, absl::string_view doing);

  sqlite3* handle() { return db_; }
  const std::string& path() const { return path_; }

 private:
  SqliteConnection(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  sqlite3* db_;
  std::string path_;
  absl::flat_hash_map<const char*, std::unique_ptr<SqliteStatement>> statements_;
};

}  // namespace newswire

#endif  // NEWSWIRE_CORE_BASE_SQLITE_H_
