#include "core/base/sqlite.h"

#include "absl/strings/str_cat.h"

namespace newswire {

absl::Status SqliteError(int code, absl::string_view context,
                         absl::string_view detail) {
  const std::string message = absl::StrCat(context, ": ", detail);
  switch (code & 0xFF) {
    case SQLITE_FULL:
      return absl::ResourceExhaustedError(absl::StrCat(message, " (disk full)"));
    case SQLITE_NOTADB:
      return absl::FailedPreconditionError(message);
    case SQLITE_CORRUPT:
      return absl::DataLossError(message);
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_AUTH:
      return absl::PermissionDeniedError(message);
    case SQLITE_CANTOPEN:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
      return absl::UnavailableError(message);
    default:
      return absl::InternalError(message);
  }
}

absl::StatusOr<std::unique_ptr<SqliteConnection>> SqliteConnection::Open(
    const std::string& path, int flags) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    absl::Status status =
        SqliteError(rc, path, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close(db);
    return status;
  }
  sqlite3_extended_result_codes(db, 1);
  return std::unique_ptr<SqliteConnection>(new SqliteConnection(db, path));
}

SqliteConnection::~SqliteConnection() {
  statements_.clear();  // Finalize before closing.
  sqlite3_close(db_);
}

absl::Status SqliteConnection::Run(SqliteStatement& stmt, absl::string_view doing) {
  const int rc = stmt.Step();
  absl::Status status = rc == SQLITE_DONE ? absl::OkStatus() : Error(rc, doing);
  stmt.Reset();
  return status;
}

absl::Status SqliteConnection::Error(int code, absl::string_view doing) const {
  return SqliteError(code, absl::StrCat(path_, ": ", doing), sqlite3_errmsg(db_));
}

absl::Status SqliteConnection::Execute(absl::string_view sql) {
  const std::string text(sql);
  char* error = nullptr;
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
  if (rc == SQLITE_OK) return absl::OkStatus();
  absl::Status status =
      SqliteError(rc, path_, error ? error : sqlite3_errstr(rc));
  sqlite3_free(error);
  return status;
}

absl::StatusOr<int64_t> SqliteConnection::QueryInt(absl::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
  if (rc != SQLITE_OK) return Error(rc, sql);
  SqliteStatement stmt(raw);
  rc = stmt.Step();
  if (rc == SQLITE_ROW) return stmt.ColumnInt(0);
  if (rc == SQLITE_DONE) return 0;
  return Error(rc, sql);
}

absl::StatusOr<std::unique_ptr<SqliteStatement>> SqliteConnection::PrepareOnce(
    const std::string& sql) {
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.c_str(), -1, &raw, nullptr);
  if (rc != SQLITE_OK) return Error(rc, "preparing a statement");
  return std::make_unique<SqliteStatement>(raw);
}

absl::StatusOr<SqliteConnection::Scoped> SqliteConnection::Prepare(const char* sql) {
  std::unique_ptr<SqliteStatement>& slot = statements_[sql];
  if (slot == nullptr) {
    sqlite3_stmt* raw = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &raw,
                                      nullptr);
    if (rc != SQLITE_OK) {
      statements_.erase(sql);
      return Error(rc, "preparing a statement");
    }
    slot = std::make_unique<SqliteStatement>(raw);
  }
  return Scoped(slot.get());
}

}  // namespace newswire
