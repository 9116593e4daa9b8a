#include "core/store/sqlite_access.h"

#include "absl/strings/str_cat.h"
#include "core/model/article.h"

namespace newswire {

absl::Status InsertAuditEntries(SqliteConnection& db,
                                const std::vector<v1::AuditEntry>& entries) {
  if (entries.empty()) return absl::OkStatus();
  absl::StatusOr<SqliteConnection::Scoped> insert = db.Prepare(
      "INSERT INTO audit_log (time_us, key_id, principal, peer, method, decision, "
      "reason) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!insert.ok()) return insert.status();
  for (const v1::AuditEntry& entry : entries) {
    (*insert)->Bind(1, absl::ToUnixMicros(FromProtoTime(entry.time())));
    (*insert)->BindText(2, entry.key_id());
    (*insert)->BindText(3, entry.principal());
    (*insert)->BindText(4, entry.peer());
    (*insert)->BindText(5, entry.method());
    (*insert)->Bind(6, entry.decision());
    (*insert)->BindText(7, entry.reason());
    const int rc = (*insert)->Step();
    (*insert)->Reset();
    if (rc != SQLITE_DONE) return db.Error(rc, "writing the audit log");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::AuditEntry>> ReadAuditEntries(SqliteConnection& db,
                                                             absl::Time since,
                                                             uint64_t after_id,
                                                             size_t limit) {
  absl::StatusOr<SqliteConnection::Scoped> select = db.Prepare(
      "SELECT id, time_us, key_id, principal, peer, method, decision, reason FROM "
      "audit_log "
      "WHERE id > ?1 AND time_us >= ?2 ORDER BY id LIMIT ?3");
  if (!select.ok()) return select.status();
  (*select)->Bind(1, static_cast<int64_t>(after_id));
  (*select)->Bind(2,
                  since == absl::InfinitePast() ? INT64_MIN : absl::ToUnixMicros(since));
  (*select)->Bind(3, static_cast<int64_t>(limit));
  std::vector<v1::AuditEntry> entries;
  int rc;
  while ((rc = (*select)->Step()) == SQLITE_ROW) {
    v1::AuditEntry& entry = entries.emplace_back();
    entry.set_id(static_cast<uint64_t>((*select)->ColumnInt(0)));
    *entry.mutable_time() = ToProtoTime(absl::FromUnixMicros((*select)->ColumnInt(1)));
    entry.set_key_id(std::string((*select)->ColumnBytes(2)));
    entry.set_principal(std::string((*select)->ColumnBytes(3)));
    entry.set_peer(std::string((*select)->ColumnBytes(4)));
    entry.set_method(std::string((*select)->ColumnBytes(5)));
    entry.set_decision(static_cast<v1::AuditEntry::Decision>((*select)->ColumnInt(6)));
    entry.set_reason(std::string((*select)->ColumnBytes(7)));
  }
  if (rc != SQLITE_DONE) return db.Error(rc, "reading the audit log");
  return entries;
}

absl::StatusOr<std::vector<v1::KeyRecord>> ReadKeyRecords(SqliteConnection& db) {
  absl::StatusOr<SqliteConnection::Scoped> select =
      db.Prepare("SELECT id, digest, key FROM api_keys ORDER BY rowid");
  if (!select.ok()) return select.status();
  std::vector<v1::KeyRecord> records;
  int rc;
  while ((rc = (*select)->Step()) == SQLITE_ROW) {
    v1::KeyRecord& record = records.emplace_back();
    const absl::string_view blob = (*select)->ColumnBytes(2);
    if (!record.mutable_key()->ParseFromArray(blob.data(),
                                              static_cast<int>(blob.size()))) {
      return absl::DataLossError(absl::StrCat(
          db.path(), ": API key ", (*select)->ColumnBytes(0), " does not parse"));
    }
    record.set_digest(std::string((*select)->ColumnBytes(1)));
  }
  if (rc != SQLITE_DONE) return db.Error(rc, "reading API keys");
  return records;
}

absl::Status WriteKeyRecords(SqliteConnection& db,
                             const std::vector<v1::KeyRecord>& records) {
  absl::StatusOr<SqliteConnection::Scoped> upsert = db.Prepare(
      "INSERT INTO api_keys (id, digest, key) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (id) DO UPDATE SET digest = excluded.digest, key = excluded.key");
  if (!upsert.ok()) return upsert.status();
  for (const v1::KeyRecord& record : records) {
    const std::string key = record.key().SerializeAsString();  // Bound, not copied.
    (*upsert)->BindText(1, record.key().id());
    (*upsert)->BindBlob(2, record.digest());
    (*upsert)->BindBlob(3, key);
    const int rc = (*upsert)->Step();
    (*upsert)->Reset();
    if (rc != SQLITE_DONE) return db.Error(rc, "storing an API key");
  }
  return absl::OkStatus();
}

}  // namespace newswire
