// The archive's access tables (schema 6): API keys and the audit log.
//
//   api_keys   one row per key ever created (rowid: creation order): the
//              key's public id, the keyed hash of its secret (never the
//              secret) and the serialized v1.ApiKey.
//   audit_log  append-only (triggers refuse UPDATE and DELETE): one row per
//              denied call and per publish or kill.
#ifndef NEWSWIRE_CORE_STORE_SQLITE_ACCESS_H_
#define NEWSWIRE_CORE_STORE_SQLITE_ACCESS_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/base/sqlite.h"
#include "newswire/v1/access.pb.h"

namespace newswire {

inline constexpr char kAccessSchema[] = R"sql(
  CREATE TABLE api_keys (
    id TEXT NOT NULL UNIQUE,
    digest BLOB NOT NULL,
    key BLOB NOT NULL
  );
  CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    time_us INTEGER NOT NULL,
    key_id TEXT NOT NULL,
    principal TEXT NOT NULL,
    peer TEXT NOT NULL,
    method TEXT NOT NULL,
    decision INTEGER NOT NULL,
    reason TEXT NOT NULL
  );
  CREATE INDEX audit_by_time ON audit_log (time_us);
  CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
  CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)sql";

// Appends `entries` (their ids are assigned by the table) inside the open
// transaction.
absl::Status InsertAuditEntries(SqliteConnection& db,
                                const std::vector<v1::AuditEntry>& entries);

// Entries with id > `after_id` and time >= `since`, oldest first, at most
// `limit`.
absl::StatusOr<std::vector<v1::AuditEntry>> ReadAuditEntries(SqliteConnection& db,
                                                             absl::Time since,
                                                             uint64_t after_id,
                                                             size_t limit);

// Every key, oldest first. DATA_LOSS names a row that does not parse.
absl::StatusOr<std::vector<v1::KeyRecord>> ReadKeyRecords(SqliteConnection& db);

// Inserts each record, or replaces the one with its key id.
absl::Status WriteKeyRecords(SqliteConnection& db,
                             const std::vector<v1::KeyRecord>& records);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_STORE_SQLITE_ACCESS_H_
