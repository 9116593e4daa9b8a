#include "core/syndicate/websub_store.h"

#include <map>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "core/base/sqlite.h"
#include "core/store/sqlite_store.h"

namespace newswire {
namespace {

class ArchiveWebSubStore final : public WebSubStore {
 public:
  explicit ArchiveWebSubStore(std::unique_ptr<SqliteConnection> db)
      : db_(std::move(db)) {}

  absl::StatusOr<std::vector<WebSubRecord>> Load() const override {
    absl::MutexLock lock(&mu_);
    absl::StatusOr<SqliteConnection::Scoped> select = db_->Prepare(
        "SELECT topic, callback, secret, lease_end_us, created_us, cursor "
        "FROM websub_subscriptions ORDER BY topic, callback");
    if (!select.ok()) return select.status();
    std::vector<WebSubRecord> records;
    int rc;
    while ((rc = (*select)->Step()) == SQLITE_ROW) {
      WebSubRecord& record = records.emplace_back();
      record.topic = std::string((*select)->ColumnBytes(0));
      record.callback = std::string((*select)->ColumnBytes(1));
      record.secret = std::string((*select)->ColumnBytes(2));
      record.lease_end = absl::FromUnixMicros((*select)->ColumnInt(3));
      record.created = absl::FromUnixMicros((*select)->ColumnInt(4));
      record.cursor = static_cast<uint64_t>((*select)->ColumnInt(5));
    }
    if (rc != SQLITE_DONE) return db_->Error(rc, "reading WebSub subscriptions");
    return records;
  }

  absl::Status Put(const WebSubRecord& record) override {
    absl::MutexLock lock(&mu_);
    absl::StatusOr<SqliteConnection::Scoped> upsert = db_->Prepare(
        "INSERT INTO websub_subscriptions "
        "(topic, callback, secret, lease_end_us, created_us, cursor) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
        "ON CONFLICT (topic, callback) DO UPDATE SET secret = excluded.secret, "
        "lease_end_us = excluded.lease_end_us, created_us = excluded.created_us, "
        "cursor = excluded.cursor");
    if (!upsert.ok()) return upsert.status();
    (*upsert)->BindText(1, record.topic);
    (*upsert)->BindText(2, record.callback);
    (*upsert)->BindBlob(3, record.secret);
    (*upsert)->Bind(4, absl::ToUnixMicros(record.lease_end));
    (*upsert)->Bind(5, absl::ToUnixMicros(record.created));
    (*upsert)->Bind(6, static_cast<int64_t>(record.cursor));
    const int rc = (*upsert)->Step();
    if (rc != SQLITE_DONE) return db_->Error(rc, "storing a WebSub subscription");
    return absl::OkStatus();
  }

  absl::Status SetCursor(absl::string_view topic, absl::string_view callback,
                         uint64_t cursor) override {
    absl::MutexLock lock(&mu_);
    absl::StatusOr<SqliteConnection::Scoped> update = db_->Prepare(
        "UPDATE websub_subscriptions SET cursor = ?3 WHERE topic = ?1 AND callback = ?2");
    if (!update.ok()) return update.status();
    (*update)->BindText(1, topic);
    (*update)->BindText(2, callback);
    (*update)->Bind(3, static_cast<int64_t>(cursor));
    const int rc = (*update)->Step();
    if (rc != SQLITE_DONE) return db_->Error(rc, "storing a WebSub cursor");
    return absl::OkStatus();
  }

  absl::Status Remove(absl::string_view topic, absl::string_view callback) override {
    absl::MutexLock lock(&mu_);
    absl::StatusOr<SqliteConnection::Scoped> remove = db_->Prepare(
        "DELETE FROM websub_subscriptions WHERE topic = ?1 AND callback = ?2");
    if (!remove.ok()) return remove.status();
    (*remove)->BindText(1, topic);
    (*remove)->BindText(2, callback);
    const int rc = (*remove)->Step();
    if (rc != SQLITE_DONE) return db_->Error(rc, "deleting a WebSub subscription");
    return absl::OkStatus();
  }

 private:
  // The connection is not thread-safe; its statement cache is mutable state.
  mutable absl::Mutex mu_;
  const std::unique_ptr<SqliteConnection> db_ ABSL_PT_GUARDED_BY(mu_);
};

class MemoryWebSubStore final : public WebSubStore {
 public:
  absl::StatusOr<std::vector<WebSubRecord>> Load() const override {
    absl::MutexLock lock(&mu_);
    std::vector<WebSubRecord> records;
    for (const auto& [key, record] : records_) records.push_back(record);
    return records;
  }

  absl::Status Put(const WebSubRecord& record) override {
    absl::MutexLock lock(&mu_);
    records_[{record.topic, record.callback}] = record;
    return absl::OkStatus();
  }

  absl::Status SetCursor(absl::string_view topic, absl::string_view callback,
                         uint64_t cursor) override {
    absl::MutexLock lock(&mu_);
    auto it = records_.find({std::string(topic), std::string(callback)});
    if (it != records_.end()) it->second.cursor = cursor;
    return absl::OkStatus();
  }

  absl::Status Remove(absl::string_view topic, absl::string_view callback) override {
    absl::MutexLock lock(&mu_);
    records_.erase({std::string(topic), std::string(callback)});
    return absl::OkStatus();
  }

 private:
  mutable absl::Mutex mu_;
  std::map<std::pair<std::string, std::string>, WebSubRecord> records_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace

absl::StatusOr<std::unique_ptr<WebSubStore>> OpenArchiveWebSubStore(
    const std::string& archive_path) {
  absl::StatusOr<std::unique_ptr<SqliteConnection>> db =
      SqliteConnection::Open(archive_path, SQLITE_OPEN_READWRITE);
  if (!db.ok()) return db.status();
  // Waits for the archive's other writers instead of failing busy.
  if (absl::Status s = (*db)->Execute("PRAGMA busy_timeout = 10000"); !s.ok()) return s;
  absl::StatusOr<int64_t> tables = (*db)->QueryInt(
      "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
      "name = 'websub_subscriptions'");
  if (!tables.ok()) return tables.status();
  if (*tables == 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(archive_path,
                     " has no WebSub subscriptions table: open it with "
                     "SqliteStore first, which migrates it"));
  }
  return std::unique_ptr<WebSubStore>(new ArchiveWebSubStore(*std::move(db)));
}

std::unique_ptr<WebSubStore> OpenMemoryWebSubStore() {
  return std::make_unique<MemoryWebSubStore>();
}

absl::StatusOr<std::unique_ptr<WebSubStore>> OpenWebSubStore(
    const std::string& data_dir) {
  if (data_dir.empty()) return OpenMemoryWebSubStore();
  return OpenArchiveWebSubStore(absl::StrCat(data_dir, "/", kArchiveFileName));
}

}  // namespace newswire
