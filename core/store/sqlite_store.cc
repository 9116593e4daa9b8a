#include "core/store/sqlite_store.h"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/store/sqlite_access.h"
#include "core/store/sqlite_archive.h"
#include "core/store/sqlite_search.h"
#include "core/store/sqlite_stories.h"
#include "core/syndicate/websub_store.h"

namespace newswire {
namespace {

// Appends committed together at most; a batch is one transaction.
constexpr size_t kMaxBatch = 512;
// How long recorded audit entries wait for a publish to commit them before
// they are committed on their own.
constexpr absl::Duration kAuditFlushDelay = absl::Milliseconds(50);

// Each step migrates the schema from version N-1 to N (index N-1), in one
// transaction: its SQL, then its code (may be null). Steps are never edited
// once released: a change to the schema is a new step.
struct Migration {
  const char* sql;
  absl::Status (*then)(SqliteConnection& db);
};
const Migration kMigrations[] = {
    // 1: articles (every version), the event log, and the sequence counter
    // (kept apart so that compacting old events never lowers it).
    {R"sql(
      CREATE TABLE articles (
        id TEXT NOT NULL,
        version INTEGER NOT NULL,
        sequence INTEGER NOT NULL,
        pub_status INTEGER NOT NULL,
        fingerprint TEXT NOT NULL,
        article BLOB NOT NULL,
        PRIMARY KEY (id, version)
      ) WITHOUT ROWID;
      CREATE TABLE events (
        sequence INTEGER PRIMARY KEY,
        kind INTEGER NOT NULL,
        published_at_us INTEGER NOT NULL,
        article_id TEXT NOT NULL,
        version INTEGER NOT NULL
      );
      CREATE TABLE meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
      INSERT INTO meta VALUES ('last_sequence', 0);
    )sql",
     nullptr},
    // 2: the full-text search index, filled from the stored articles.
    {kSearchIndexSchema, &BackfillSearchIndex},
    // 3: articles keyed by the sequence that stored them, so rows are
    // appended in order with their blobs in the table's own pages (+12-17%
    // durable publishes/s, bench/RESULTS.md); (id, version) stays unique.
    {R"sql(
      CREATE TABLE articles_by_sequence (
        sequence INTEGER PRIMARY KEY,
        id TEXT NOT NULL,
        version INTEGER NOT NULL,
        pub_status INTEGER NOT NULL,
        fingerprint TEXT NOT NULL,
        article BLOB NOT NULL,
        UNIQUE (id, version)
      );
      INSERT INTO articles_by_sequence
        SELECT sequence, id, version, pub_status, fingerprint, article
        FROM articles ORDER BY sequence;
      DROP TABLE articles;
      ALTER TABLE articles_by_sequence RENAME TO articles;
    )sql",
     nullptr},
    // 4: events by time, for subscriptions that start SINCE a time and for
    // retention by age; articles held until their embargo ends.
    {R"sql(
      CREATE INDEX events_by_time ON events (published_at_us);
      CREATE TABLE held (
        id TEXT NOT NULL,
        version INTEGER NOT NULL,
        release_us INTEGER NOT NULL,
        article BLOB NOT NULL,
        PRIMARY KEY (id, version)
      ) WITHOUT ROWID;
      CREATE INDEX held_by_release ON held (release_us);
    )sql",
     nullptr},
    // 5: the story index, for deduplicating feeds (FindSameStory).
    {kStoryIndexSchema, &BackfillStoryIndex},
    // 6: API keys and the audit log.
    {kAccessSchema, nullptr},
    // 7: the WebSub hub's subscriptions.
    {kWebSubSchema, nullptr},
    // 8: the SimHash block indexes hold the SimHash too (FindSameStory
    // reads a row only for a near candidate).
    {kStoryIndexCoveringSchema, nullptr},
    // 9: filter values case-blind beyond ASCII ("ŁÓDŹ" finds "Łódź").
    {"", &RetokenFilterValues},
};
static_assert(std::size(kMigrations) == kArchiveSchemaVersion);

absl::Status Migrate(SqliteConnection& db) {
  absl::StatusOr<int64_t> version = db.QueryInt("PRAGMA user_version");
  if (!version.ok()) return version.status();
  for (int64_t v = *version; v < kArchiveSchemaVersion; ++v) {
    const Migration& step = kMigrations[v];
    absl::Status s = db.Execute(absl::StrCat("BEGIN IMMEDIATE;", step.sql));
    if (s.ok() && step.then != nullptr) s = step.then(db);
    if (s.ok()) {
      s = db.Execute(absl::StrCat("PRAGMA application_id = ", kArchiveApplicationId,
                                  "; PRAGMA user_version = ", v + 1, "; COMMIT;"));
    }
    if (!s.ok()) {
      (void)db.Execute("ROLLBACK");
      return absl::Status(s.code(), absl::StrCat("migrating the archive to schema version ",
                                                 v + 1, ": ", s.message()));
    }
  }
  return absl::OkStatus();
}

int64_t ToMicros(absl::Time t) { return absl::ToUnixMicros(t); }

// What every writing connection needs: a wait instead of SQLITE_BUSY when
// the other writer (group commit or compaction) holds the lock, and the
// archive's size limit (max_page_count is per connection).
absl::Status ConfigureWriter(SqliteConnection& db, const SqliteStoreOptions& options) {
  if (absl::Status s = db.Execute("PRAGMA busy_timeout = 10000"); !s.ok()) return s;
  if (options.max_archive_bytes == 0) return absl::OkStatus();
  absl::StatusOr<int64_t> page_size = db.QueryInt("PRAGMA page_size");
  if (!page_size.ok()) return page_size.status();
  return db.Execute(absl::StrCat("PRAGMA max_page_count = ",
                                 std::max<uint64_t>(1, options.max_archive_bytes / *page_size)));
}

// A memdb URI that no other archive open in this process uses: memdb
// shares one database among the connections that open the same name.
std::string NewMemoryArchiveUri() {
  static std::atomic<uint64_t> next{1};
  // The counter's address tells apart two copies of this code in one
  // process, should they share one SQLite library.
  return absl::StrCat("file:/newswire-archive-",
                      absl::Hex(reinterpret_cast<uintptr_t>(&next)), "-", next.fetch_add(1),
                      "?vfs=memdb");
}

// The log position a replica's archive has applied (ApplyLog), in meta.
absl::Status StoreLogPosition(SqliteConnection& db, uint64_t position) {
  absl::StatusOr<SqliteConnection::Scoped> stmt = db.Prepare(
      "INSERT OR REPLACE INTO meta (name, value) VALUES ('applied_log_position', ?1)");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->Bind(1, static_cast<int64_t>(position));
  if (const int rc = (*stmt)->Step(); rc != SQLITE_DONE) {
    return db.Error(rc, "storing the applied log position");
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> ReadLogPosition(SqliteConnection& db) {
  // No row (nothing applied yet) reads as 0.
  absl::StatusOr<int64_t> position =
      db.QueryInt("SELECT max(value) FROM meta WHERE name = 'applied_log_position'");
  if (!position.ok()) return position.status();
  return static_cast<uint64_t>(*position);
}

}  // namespace

// A read connection from the pool, given back to it when destroyed. In
// memory, it also holds the store's memory_lock_ shared from construction
// (before a connection is taken or opened: configuring a new one reads the
// schema) to destruction.
class SqliteStore::Reader {
 public:
  explicit Reader(const SqliteStore* store) ABSL_NO_THREAD_SAFETY_ANALYSIS : store_(store) {
    if (store_->in_memory()) store_->memory_lock_.ReaderLock();
  }
  Reader(Reader&& other) noexcept
      : store_(std::exchange(other.store_, nullptr)), db_(std::move(other.db_)) {}
  ~Reader() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    if (store_ == nullptr) return;  // Moved from.
    if (db_ != nullptr) {
      absl::MutexLock lock(&store_->readers_mu_);
      store_->idle_readers_.push_back(std::move(db_));
    }
    if (store_->in_memory()) store_->memory_lock_.ReaderUnlock();
  }
  SqliteConnection& operator*() { return *db_; }

 private:
  friend class SqliteStore;
  const SqliteStore* store_;
  std::unique_ptr<SqliteConnection> db_;
};

absl::StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::Open(
    const std::string& data_dir, const SqliteStoreOptions& options) {
  absl::StatusOr<std::unique_ptr<DataDirLock>> lock = DataDirLock::Acquire(data_dir);
  if (!lock.ok()) return lock.status();
  const std::string path = absl::StrCat(data_dir, "/", kArchiveFileName);

  absl::StatusOr<std::unique_ptr<SqliteConnection>> db =
      SqliteConnection::Open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!db.ok()) return db.status();
  if (absl::Status s = CheckArchive(**db); !s.ok()) return s;
  // Checkpoints every ~40 MB of log rather than SQLite's 4 MB: pages that
  // many commits touch (index roots, the FTS structure) are copied back to
  // the database once per checkpoint, not once every few commits (+16%
  // publishes/s on a 1,000,000-article archive, bench/RESULTS.md).
  if (absl::Status s = (*db)->Execute("PRAGMA journal_mode = WAL;"
                                      "PRAGMA synchronous = FULL;"
                                      "PRAGMA wal_autocheckpoint = 10000;");
      !s.ok()) {
    return s;
  }
  return Start(*std::move(lock), path, *std::move(db), options);
}

absl::StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::OpenInMemory(
    const SqliteStoreOptions& options) {
  const std::string uri = NewMemoryArchiveUri();
  absl::StatusOr<std::unique_ptr<SqliteConnection>> db =
      SqliteConnection::Open(uri, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI);
  if (!db.ok()) return db.status();
  // memdb caps a database at 1 GiB unless told otherwise; the archive's own
  // limit is max_archive_bytes (ConfigureWriter). Its rollback journal is
  // kept in memory, and needs no other setting.
  sqlite3_int64 limit = std::numeric_limits<sqlite3_int64>::max();
  if (const int rc =
          sqlite3_file_control((*db)->handle(), "main", SQLITE_FCNTL_SIZE_LIMIT, &limit);
      rc != SQLITE_OK) {
    return (*db)->Error(rc, "lifting the in-memory size limit");
  }
  return Start(nullptr, uri, *std::move(db), options);
}

absl::StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::Start(
    std::unique_ptr<DataDirLock> lock, std::string path,
    std::unique_ptr<SqliteConnection> writer, const SqliteStoreOptions& options) {
  if (absl::Status s = ConfigureWriter(*writer, options); !s.ok()) return s;
  if (absl::Status s = Migrate(*writer); !s.ok()) return s;
  absl::StatusOr<uint64_t> head = ReadHeadSequence(*writer);
  if (!head.ok()) return head.status();
  absl::StatusOr<uint64_t> oldest = ReadOldestSequence(*writer, *head);
  if (!oldest.ok()) return oldest.status();
  return std::unique_ptr<SqliteStore>(new SqliteStore(
      std::move(lock), std::move(path), std::move(writer), *head, *oldest, options));
}

SqliteStore::SqliteStore(std::unique_ptr<DataDirLock> lock, std::string path,
                         std::unique_ptr<SqliteConnection> writer, uint64_t head,
                         uint64_t oldest, const SqliteStoreOptions& options)
    : lock_(std::move(lock)), path_(std::move(path)), writer_(std::move(writer)),
      head_(head), oldest_(oldest), options_(options) {
  audit_flusher_ = std::thread([this] { FlushAuditLoop(); });
}

SqliteStore::~SqliteStore() {
  {
    absl::MutexLock lock(&audit_mu_);
    audit_stop_ = true;
  }
  audit_flusher_.join();
}

absl::StatusOr<AppendResult> SqliteStore::Append(Article article, absl::Time now) {
  return Enqueue(&article, now, /*releasing=*/false);
}

void SqliteStore::Record(v1::AuditEntry entry) {
  absl::MutexLock lock(&audit_mu_);
  audit_pending_.push_back(std::move(entry));
}

void SqliteStore::FlushAuditLoop() {
  absl::MutexLock lock(&audit_mu_);
  while (true) {
    auto pending_or_stop = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(audit_mu_) {
      return !audit_pending_.empty() || audit_stop_;
    };
    audit_mu_.Await(absl::Condition(&pending_or_stop));
    // A moment for a publish to take the entries into its commit.
    auto stop = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(audit_mu_) { return audit_stop_; };
    audit_mu_.AwaitWithTimeout(absl::Condition(&stop), kAuditFlushDelay);
    const bool stopping = audit_stop_;
    if (!audit_pending_.empty()) {
      audit_mu_.Unlock();
      // A failed commit (a full disk) keeps the entries for the next one.
      (void)Enqueue(nullptr, absl::Now(), /*releasing=*/false);
      audit_mu_.Lock();
      // Still failing while stopping: what cannot be written is lost with
      // the process.
      if (stopping) return;
    }
    if (stopping) return;
  }
}

absl::StatusOr<std::vector<v1::AuditEntry>> SqliteStore::ReadAudit(absl::Time since,
                                                                   uint64_t after_id,
                                                                   size_t limit) {
  bool pending = false;
  {
    absl::MutexLock lock(&audit_mu_);
    pending = !audit_pending_.empty();
  }
  if (pending) {
    // Commit what was recorded so far (a commit takes every pending entry).
    if (absl::StatusOr<AppendResult> flushed = Enqueue(nullptr, absl::Now(), false);
        !flushed.ok()) {
      return flushed.status();
    }
  }
  absl::StatusOr<Reader> reader = AcquireReader();
  if (!reader.ok()) return reader.status();
  return ReadAuditEntries(**reader, since, after_id, std::min(limit, kMaxAuditRead));
}

absl::StatusOr<std::optional<Article>> SqliteStore::GetHeld(absl::string_view id) const {
  absl::StatusOr<Reader> reader = AcquireReader();
  if (!reader.ok()) return reader.status();
  return LookUpHeld(**reader, id, 0);
}

absl::StatusOr<std::vector<Article>> SqliteStore::HeldUntil(absl::Time now) const {
  absl::StatusOr<Reader> reader = AcquireReader();
  if (!reader.ok()) return reader.status();
  return ReadHeldUntil(**reader, now);
}

std::vector<absl::StatusOr<AppendResult>> SqliteStore::ReleaseDue(absl::Time now) {
  std::vector<absl::StatusOr<AppendResult>> results;
  absl::StatusOr<std::vector<Article>> due = HeldUntil(now);
  if (!due.ok()) {
    results.push_back(due.status());
    return results;
  }
  for (const Article& article : *due) results.push_back(Enqueue(&article, now, true));
  return results;
}

absl::StatusOr<std::optional<absl::Time>> SqliteStore::NextRelease() const {
  absl::StatusOr<Reader> reader = AcquireReader();
  if (!reader.ok()) return reader.status();
  return ReadNextRelease(**reader);
}

std::vector<absl::StatusOr<AppendResult>> SqliteStore::ApplyLog(
    const std::vector<LogEntry>& entries) {
  std::vector<PendingAppend> mine(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    const LogEntry& entry = entries[i];
    mine[i] = PendingAppend{.article = entry.article ? &*entry.article : nullptr,
                            .now = entry.now,
                            .releasing = entry.releasing,
                            .result = absl::UnknownError("not committed"),
                            .log_position = entry.log_position};
  }
  {
    absl::MutexLock lock(&queue_mu_);
    for (PendingAppend& pending : mine) queue_.push_back(&pending);
    // Lead whenever one of these is first in the queue (they are queued
    // together, so the rest follow it), until the last is committed.
    auto is_mine = [&](const PendingAppend* pending) {
      return pending >= mine.data() && pending < mine.data() + mine.size();
    };
    while (!mine.empty() && !mine.back().done) {
      auto done_or_leading = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(queue_mu_) {
        return mine.back().done || is_mine(queue_.front());
      };
      queue_mu_.Await(absl::Condition(&done_or_leading));
      if (mine.back().done) break;
      LeadBatch();
    }
  }
  std::vector<absl::StatusOr<AppendResult>> results;
  results.reserve(mine.size());
  for (PendingAppend& pending : mine) results.push_back(std::move(pending.result));
  return results;
}

absl::StatusOr<uint64_t> SqliteStore::AppliedLogPosition() const {
  absl::StatusOr<Reader> reader = AcquireReader();
  if (!reader.ok()) return reader.status();
  return ReadLogPosition(**reader);
}

absl::StatusOr<AppendResult> SqliteStore::Enqueue(const Article* article, absl::Time now,
                                                  bool releasing) {
  PendingAppend self{.article = article, .now = now, .releasing = releasing,
                     .result = absl::UnknownError("not committed")};
  absl::MutexLock lock(&queue_mu_);
  queue_.push_back(&self);
  // Wait until a leader committed this append, or this one leads.
  auto done_or_leading = [this, &self]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(queue_mu_) {
    return self.done || queue_.front() == &self;
  };
  queue_mu_.Await(absl::Condition(&done_or_leading));
  if (self.done) return std::move(self.result);

  // Lead: commit this append and everything queued behind it.
  LeadBatch();
  return std::move(self.result);
}

void SqliteStore::LeadBatch() {
  const size_t n = std::min(queue_.size(), kMaxBatch);
  std::vector<PendingAppend*> batch(queue_.begin(), queue_.begin() + n);
  queue_mu_.Unlock();
  CommitBatch(batch);
  queue_mu_.Lock();
  queue_.erase(queue_.begin(), queue_.begin() + n);
  for (PendingAppend* pending : batch) pending->done = true;
}

absl::Status SqliteStore::SetCommitDurability(SqliteConnection& db,
                                              const std::vector<PendingAppend*>& batch) {
  if (in_memory()) return absl::OkStatus();
  // A batch of only the log's entries (ApplyLog's) can be applied again
  // from the log; any other append, or only audit entries, is this
  // archive's alone.
  bool from_log = false;
  for (const PendingAppend* pending : batch) {
    if (pending->article == nullptr) continue;
    if (pending->log_position == 0) return SetWriterSync(db, true);
    from_log = true;
  }
  return SetWriterSync(db, !from_log);
}

absl::Status SqliteStore::SetWriterSync(SqliteConnection& db, bool every_commit) {
  if (every_commit == writer_syncs_every_commit_) return absl::OkStatus();
  absl::Status s =
      db.Execute(every_commit ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
  if (s.ok()) writer_syncs_every_commit_ = every_commit;
  return s;
}

void SqliteStore::CommitBatch(const std::vector<PendingAppend*>& batch) {
  std::optional<absl::WriterMutexLock> exclusive;
  if (in_memory()) exclusive.emplace(&memory_lock_);
  SqliteConnection& db = *writer_;
  uint64_t next = head_.load() + 1;
  // Audit entries recorded so far ride this commit (including those of the
  // publishes in it, recorded before they were queued).
  std::vector<v1::AuditEntry> audit;
  {
    absl::MutexLock lock(&audit_mu_);
    audit.swap(audit_pending_);
  }
  absl::Status failed = SetCommitDurability(db, batch);
  if (failed.ok()) failed = db.Execute("BEGIN IMMEDIATE");
  if (failed.ok()) failed = InsertAuditEntries(db, audit);
  if (failed.ok()) {
    for (PendingAppend* pending : batch) {
      if (pending->article == nullptr) {  // The audit flusher's.
        pending->result = AppendResult{};
        continue;
      }
      pending->result =
          AppendInTransaction(*pending->article, pending->now, pending->releasing, next);
      // A store failure (not a refused article) fails the whole transaction.
      const absl::StatusCode code = pending->result.status().code();
      if (code != absl::StatusCode::kOk && code != absl::StatusCode::kFailedPrecondition) {
        failed = pending->result.status();
        break;
      }
    }
  }
  if (failed.ok()) {
    absl::StatusOr<SqliteConnection::Scoped> stmt =
        db.Prepare("UPDATE meta SET value = ?1 WHERE name = 'last_sequence'");
    if (!stmt.ok()) {
      failed = stmt.status();
    } else {
      (*stmt)->Bind(1, static_cast<int64_t>(next - 1));
      if (const int rc = (*stmt)->Step(); rc != SQLITE_DONE) {
        failed = db.Error(rc, "updating the sequence");
      }
    }
  }
  uint64_t log_position = 0;
  for (const PendingAppend* pending : batch) {
    log_position = std::max(log_position, pending->log_position);
  }
  if (failed.ok() && log_position > 0) failed = StoreLogPosition(db, log_position);
  if (failed.ok()) failed = db.Execute("COMMIT");
  if (!failed.ok()) {
    (void)db.Execute("ROLLBACK");
    for (PendingAppend* pending : batch) pending->result = failed;
    absl::MutexLock lock(&audit_mu_);
    audit_pending_.insert(audit_pending_.begin(), std::make_move_iterator(audit.begin()),
                          std::make_move_iterator(audit.end()));
    return;
  }
  head_.store(next - 1);
}

absl::StatusOr<AppendResult> SqliteStore::AppendInTransaction(const Article& article,
                                                              absl::Time now, bool releasing,
                                                              uint64_t& next) {
  SqliteConnection& db = *writer_;
  absl::StatusOr<std::optional<StoredArticle>> same_version =
      LookUp(db, article.id(), article.version());
  if (!same_version.ok()) return same_version.status();
  absl::StatusOr<std::optional<StoredArticle>> current = LookUp(db, article.id(), 0);
  if (!current.ok()) return current.status();
  absl::StatusOr<std::optional<Article>> held = LookUpHeld(db, article.id(), article.version());
  if (!held.ok()) return held.status();
  absl::StatusOr<AppendPlan> plan =
      PlanAppend(*same_version, *current, *held, article, now, releasing);
  // A released article leaves the held ones in this commit, whatever
  // becomes of it.
  if (releasing) {
    if (absl::Status s = DeleteHeld(db, article.id(), article.version()); !s.ok()) return s;
  }
  if (!plan.ok()) return plan.status();
  if (plan->hold && !plan->duplicate) {
    if (absl::Status s = InsertHeld(db, article); !s.ok()) return s;
  }
  if (plan->duplicate || plan->hold) return NotAppended(*plan);

  AppendResult result;
  result.sequence = next;
  result.event = NewEvent(*plan, article, *current, next, now);
  const FeedEvent& event = result.event;
  const Article& stored = event.article();
  const std::string bytes = stored.SerializeAsString();

  absl::StatusOr<SqliteConnection::Scoped> insert_article = db.Prepare(
      "INSERT INTO articles (id, version, sequence, pub_status, fingerprint, article) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!insert_article.ok()) return insert_article.status();
  (*insert_article)->BindText(1, stored.id());
  (*insert_article)->Bind(2, stored.version());
  (*insert_article)->Bind(3, static_cast<int64_t>(next));
  (*insert_article)->Bind(4, stored.pub_status());
  (*insert_article)->BindText(5, stored.fingerprint());
  (*insert_article)->BindBlob(6, bytes);
  if (const int rc = (*insert_article)->Step(); rc != SQLITE_DONE) {
    return db.Error(rc, "storing an article");
  }

  absl::StatusOr<SqliteConnection::Scoped> insert_event = db.Prepare(
      "INSERT INTO events (sequence, kind, published_at_us, article_id, version) "
      "VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!insert_event.ok()) return insert_event.status();
  (*insert_event)->Bind(1, static_cast<int64_t>(next));
  (*insert_event)->Bind(2, event.kind());
  (*insert_event)->Bind(3, ToMicros(now));
  (*insert_event)->BindText(4, stored.id());
  (*insert_event)->Bind(5, stored.version());
  if (const int rc = (*insert_event)->Step(); rc != SQLITE_DONE) {
    return db.Error(rc, "storing an event");
  }
  if (absl::Status s = IndexCurrentVersion(db, stored, next); !s.ok()) return s;
  ++next;
  return result;
}

absl::StatusOr<std::unique_ptr<SqliteConnection>> SqliteStore::Connect() const {
  return SqliteConnection::Open(path_,
                                SQLITE_OPEN_READWRITE | (in_memory() ? SQLITE_OPEN_URI : 0));
}

absl::StatusOr<SqliteStore::Reader> SqliteStore::AcquireReader() const {
  Reader reader(this);
  {
    absl::MutexLock lock(&readers_mu_);
    if (!idle_readers_.empty()) {
      reader.db_ = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return reader;
    }
  }
  absl::StatusOr<std::unique_ptr<SqliteConnection>> db = Connect();
  if (!db.ok()) return db.status();
  if (absl::Status s = (*db)->Execute("PRAGMA query_only = 1"); !s.ok()) return s;
  if (absl::Status s =
          ConfigureReader(**db, in_memory() ? kMemoryReaderCacheKiB : kReaderCacheKiB);
      !s.ok()) {
    return s;
  }
  reader.db_ = *std::move(db);
  return reader;
}

absl::StatusOr<std::vector<FeedEvent>> SqliteStore::ReadAfter(uint64_t after,
                                                              size_t max_events) const {
  absl::StatusOr<Reader> reader = AcquireReader();
  if (!reader.ok()) return reader.status();
  // Only what is committed and counted in head_: a reader never runs ahead
  // of HeadSequence().
  return ReadEvents(**reader, after, head_.load(), max_events);
}

uint64_t SqliteStore::HeadSequence() const { return head_.load(); }

uint64_t SqliteStore::OldestSequence() const { return oldest_.load(); }

absl::StatusOr<uint64_t> SqliteStore::Compact(const Retention& retention, absl::Time now) {
  absl::StatusOr<uint64_t> cutoff = RetentionCutoff(*this, retention, now);
  if (!cutoff.ok()) return cutoff.status();
  return CompactBefore(*cutoff);
}

absl::StatusOr<uint64_t> SqliteStore::CompactBefore(uint64_t cutoff) {
  absl::MutexLock lock(&compact_mu_);
  // Its own connection: the writer belongs to the group-commit leader, and
  // SQLite serializes the two writers (busy_timeout waits).
  absl::StatusOr<std::unique_ptr<SqliteConnection>> db = Connect();
  if (!db.ok()) return db.status();
  // In memory, reading (the configuration reads the schema) as a Reader does.
  std::optional<absl::ReaderMutexLock> shared;
  if (in_memory()) shared.emplace(&memory_lock_);
  if (absl::Status s = ConfigureWriter(**db, options_); !s.ok()) return s;

  cutoff = std::min(cutoff, head_.load() + 1);
  // Raised before anything is deleted: a reader that finds events missing
  // then also finds OldestSequence past them (see Store::ReadAfter).
  oldest_.store(std::max(oldest_.load(), cutoff));

  // Small transactions, so publishers never wait long behind a compaction.
  absl::StatusOr<std::unique_ptr<SqliteStatement>> del = (*db)->PrepareOnce(
      "DELETE FROM events WHERE sequence IN "
      "(SELECT sequence FROM events WHERE sequence < ?1 ORDER BY sequence LIMIT 5000)");
  if (!del.ok()) return del.status();
  shared.reset();
  uint64_t deleted = 0;
  while (true) {
    std::optional<absl::WriterMutexLock> exclusive;
    if (in_memory()) exclusive.emplace(&memory_lock_);
    (*del)->Bind(1, static_cast<int64_t>(cutoff));
    const int rc = (*del)->Step();
    (*del)->Reset();
    if (rc != SQLITE_DONE) return (*db)->Error(rc, "compacting events");
    const int changed = sqlite3_changes((*db)->handle());
    if (changed == 0) break;
    deleted += changed;
  }
  return deleted;
}

absl::StatusOr<std::optional<SameStory>> SqliteStore::FindSameStory(
    const Article& article, StoryLookup lookup) const {
  absl::StatusOr<Reader> reader = AcquireReader();
  if (!reader.ok()) return reader.status();
  return FindSameStoryIn(**reader, article, lookup);
}

absl::StatusOr<v1::SearchArticlesResponse> SqliteStore::Search(
    const v1::SearchArticlesRequest& request) const {
  absl::StatusOr<Reader> reader = AcquireReader();
  if (!reader.ok()) return reader.status();
  return SearchIndex(**reader, request);
}

absl::StatusOr<std::vector<Article>> SqliteStore::EarlierVersions(absl::string_view id,
                                                                  uint32_t version) const {
  absl::StatusOr<Reader> reader = AcquireReader();
  if (!reader.ok()) return reader.status();
  return ReadEarlierVersions(**reader, id, version);
}

absl::StatusOr<absl::flat_hash_map<std::string, uint32_t>> SqliteStore::CurrentVersions(
    const std::vector<std::string>& ids) const {
  absl::StatusOr<Reader> reader = AcquireReader();
  if (!reader.ok()) return reader.status();
  // One read transaction for every lookup, not one each: starting one is
  // most of a lookup's cost (in WAL mode, several times the lookup itself).
  if (absl::Status s = (**reader).Execute("BEGIN"); !s.ok()) return s;
  absl::StatusOr<absl::flat_hash_map<std::string, uint32_t>> current =
      ReadCurrentVersions(**reader, ids);
  // Ended whatever happened, before the connection goes back to the pool.
  if (absl::Status s = (**reader).Execute("COMMIT"); !s.ok()) {
    (void)(**reader).Execute("ROLLBACK");
    if (current.ok()) return s;
  }
  return current;
}

absl::StatusOr<uint64_t> SqliteStore::FirstSequenceSince(absl::Time time) const {
  absl::StatusOr<Reader> reader = AcquireReader();
  if (!reader.ok()) return reader.status();
  return ReadFirstSequenceSince(**reader, time, head_.load());
}

absl::StatusOr<StoredArticle> SqliteStore::GetArticle(absl::string_view id,
                                                      uint32_t version) const {
  absl::StatusOr<Reader> reader = AcquireReader();
  if (!reader.ok()) return reader.status();
  return ReadArticle(**reader, id, version);
}

}  // namespace newswire
