// SqliteStore: the embedded, durable archive (the default Store).
//
// One SQLite database, DATA_DIR/newswire.db, in WAL mode with
// synchronous=FULL: every commit fsyncs the write-ahead log before Append
// returns, so an acknowledged article survives a process crash (kill -9)
// and a power loss alike. (synchronous=NORMAL would fsync only at
// checkpoints: commits would survive a crash but could roll back on power
// loss, which breaks "acknowledged means never lost".)
//
// Concurrent Appends share transactions (group commit): the first waiting
// publisher commits everything queued behind it in one transaction and one
// fsync, so durable throughput grows with the number of publishers.
//
// The schema is versioned with PRAGMA user_version and migrated forward on
// open; PRAGMA application_id marks the file as a newswire archive.
//
// The same archive can live in process memory instead (OpenInMemory), for a
// server without a data dir: one database in SQLite's memdb VFS, shared by
// the store's connections. memdb has no WAL, so there a read cannot run
// beside a commit: the store orders them with a lock of its own (a read
// waits for the commit in progress, a commit for the reads in progress)
// instead of leaving them to SQLite's busy-retry sleeps.
#ifndef NEWSWIRE_CORE_STORE_SQLITE_STORE_H_
#define NEWSWIRE_CORE_STORE_SQLITE_STORE_H_

#include <atomic>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "core/store/data_dir.h"
#include "core/policy/audit_log.h"
#include "core/base/sqlite.h"
#include "core/store/sqlite_archive.h"
#include "core/store/store.h"

namespace newswire {

// The archive's file name inside the data directory.
inline constexpr char kArchiveFileName[] = "newswire.db";

struct SqliteStoreOptions {
  // Largest the archive (its file, or in memory) may grow, in bytes; 0 for
  // no limit but the disk's or memory's. Past it, appends fail as on a full
  // disk.
  uint64_t max_archive_bytes = 0;
};

// Also the archive's audit log: entries recorded are committed with the
// next group commit (or by a commit of their own within about 100 ms).
class SqliteStore final : public Store, public AuditLog {
 public:
  // Opens the archive in `data_dir`, creating both if missing, and locks the
  // directory for this process. Refuses, without writing anything, a data
  // dir locked by another server (FAILED_PRECONDITION with its pid), a file
  // that is not a newswire archive or from a newer newswire
  // (FAILED_PRECONDITION), and an unwritable dir (PERMISSION_DENIED).
  //
  // When the disk (or max_archive_bytes) is full, Append fails with
  // RESOURCE_EXHAUSTED and stores nothing of that commit; everything
  // acknowledged before stays, and reads go on working.
  static absl::StatusOr<std::unique_ptr<SqliteStore>> Open(
      const std::string& data_dir, const SqliteStoreOptions& options = {});

  // Opens a new, empty archive in process memory, for a server without a
  // data dir, scripts and tests: the same schema, search and Store
  // semantics as Open's, but nothing survives the store and nothing is
  // written to the filesystem. Each call makes a database of its own, freed
  // when the store is destroyed. options.max_archive_bytes bounds it as it
  // bounds a file (RESOURCE_EXHAUSTED past it).
  static absl::StatusOr<std::unique_ptr<SqliteStore>> OpenInMemory(
      const SqliteStoreOptions& options = {});

  ~SqliteStore() override;

  absl::StatusOr<AppendResult> Append(Article article,
                                      absl::Time now) override;
  std::vector<absl::StatusOr<AppendResult>> ReleaseDue(absl::Time now) override;
  absl::StatusOr<std::optional<Article>> GetHeld(absl::string_view id) const override;
  absl::StatusOr<std::optional<absl::Time>> NextRelease() const override;
  absl::StatusOr<std::vector<FeedEvent>> ReadAfter(
      uint64_t after, size_t max_events) const override;
  uint64_t HeadSequence() const override;
  uint64_t OldestSequence() const override;
  // Deletes in chunks of its own transactions, beside publishers.
  absl::StatusOr<uint64_t> Compact(const Retention& retention, absl::Time now) override;
  // Deletes the events before sequence `cutoff` (those up to the head at
  // most) as Compact does; returns how many.
  absl::StatusOr<uint64_t> CompactBefore(uint64_t cutoff);
  absl::StatusOr<std::vector<Article>> EarlierVersions(absl::string_view id,
                                                       uint32_t version) const override;
  absl::StatusOr<absl::flat_hash_map<std::string, uint32_t>> CurrentVersions(
      const std::vector<std::string>& ids) const override;
  absl::StatusOr<uint64_t> FirstSequenceSince(absl::Time time) const override;
  absl::StatusOr<StoredArticle> GetArticle(absl::string_view id,
                                           uint32_t version) const override;
  // See SearchIndex (sqlite_search.h).
  absl::StatusOr<std::optional<SameStory>> FindSameStory(
      const Article& article, StoryLookup lookup) const override;
  absl::StatusOr<v1::SearchArticlesResponse> Search(
      const v1::SearchArticlesRequest& request) const override;

  // One message of the replicated log, as a replica applies it
  // (JetStreamStore): what Append (or, `releasing`, ReleaseDue) does with
  // `article` at `now`. Without an article it only moves the position
  // (a message that stores nothing).
  struct LogEntry {
    std::optional<Article> article;
    absl::Time now;
    bool releasing = false;
    uint64_t log_position = 0;  // Its sequence in the log.
  };

  // Applies `entries` in order, each as Append would, through the same
  // group commit; with each commit it stores the highest log position that
  // commit applied, so after a crash the archive and its log position
  // agree. Returns each entry's result (an entry without an article gives
  // an empty AppendResult). Thread-safe; one caller at a time keeps the
  // log's order.
  std::vector<absl::StatusOr<AppendResult>> ApplyLog(const std::vector<LogEntry>& entries);

  // The held articles whose embargo ends by `now`, in the order they end
  // (what ReleaseDue would append), without releasing them.
  absl::StatusOr<std::vector<Article>> HeldUntil(absl::Time now) const;

  // The log position ApplyLog committed last; 0 before any.
  absl::StatusOr<uint64_t> AppliedLogPosition() const;

  void Record(v1::AuditEntry entry) override;
  absl::StatusOr<std::vector<v1::AuditEntry>> ReadAudit(absl::Time since, uint64_t after_id,
                                                        size_t limit) override;

  // The archive file; for an archive in memory, the memdb URI that names it
  // in messages (no one else may open it: see memory_lock_).
  const std::string& path() const { return path_; }

 private:
  // One publisher waiting in Append (or the audit flusher, with no
  // article).
  struct PendingAppend {
    const Article* article;
    absl::Time now;
    // A held article whose embargo ended.
    bool releasing = false;
    absl::StatusOr<AppendResult> result;
    bool done = false;
    uint64_t log_position = 0;  // ApplyLog's; 0 for Append's.
  };

  // Readies `writer`, a new connection to the archive at `path`, for
  // appends (migrating the schema) and makes the store around it. `lock`
  // is the data dir's; null for an archive in memory.
  static absl::StatusOr<std::unique_ptr<SqliteStore>> Start(
      std::unique_ptr<DataDirLock> lock, std::string path,
      std::unique_ptr<SqliteConnection> writer, const SqliteStoreOptions& options);

  SqliteStore(std::unique_ptr<DataDirLock> lock, std::string path,
              std::unique_ptr<SqliteConnection> writer, uint64_t head, uint64_t oldest,
              const SqliteStoreOptions& options);

  bool in_memory() const { return lock_ == nullptr; }
  // Another connection to the archive (a reader, compaction).
  absl::StatusOr<std::unique_ptr<SqliteConnection>> Connect() const;

  // Appends through group commit: waits for a leader to commit this
  // append, or leads and commits everything queued.
  absl::StatusOr<AppendResult> Enqueue(const Article* article, absl::Time now, bool releasing);
  // Commits recorded audit entries, a moment after they arrive, until the
  // store is destroyed.
  void FlushAuditLoop();
  // As the leader (the first queued append is the caller's): commits the
  // first kMaxBatch queued appends, without queue_mu_ meanwhile, and marks
  // them done.
  void LeadBatch() ABSL_EXCLUSIVE_LOCKS_REQUIRED(queue_mu_);
  // Commits `batch` in one transaction; sets every result.
  // REQUIRES: called by the one leader at a time (see Append).
  void CommitBatch(const std::vector<PendingAppend*>& batch);
  // How the next commit of `batch` reaches the disk: a commit of the log's
  // entries alone (ApplyLog) is synced to the disk only at checkpoints
  // (synchronous=NORMAL: after a power loss the archive may be back at an
  // earlier commit, whole, with the applied position it had then, and the
  // replica applies the rest from the log again); any other commit syncs
  // the write-ahead log before it returns (synchronous=FULL).
  absl::Status SetCommitDurability(SqliteConnection& db, const std::vector<PendingAppend*>& batch);
  absl::Status SetWriterSync(SqliteConnection& db, bool every_commit);
  // Appends one article inside the open transaction; `next` is the next
  // sequence to assign and advances on success.
  absl::StatusOr<AppendResult> AppendInTransaction(const Article& article, absl::Time now,
                                                   bool releasing, uint64_t& next);

  // A read connection from the pool (opened on demand), returned on release.
  class Reader;
  absl::StatusOr<Reader> AcquireReader() const;

  // The data dir's lock; null for an archive in memory.
  const std::unique_ptr<DataDirLock> lock_;
  const std::string path_;
  // Only in memory: held shared by every read (see Reader) and exclusively
  // by every write transaction, so that SQLite never finds them beside each
  // other (memdb has no WAL). A file archive's readers and writers run side
  // by side, and do not take it. Taken before readers_mu_ and audit_mu_.
  mutable absl::Mutex memory_lock_;
  // Used only by the current group-commit leader.
  const std::unique_ptr<SqliteConnection> writer_;
  std::atomic<uint64_t> head_;
  std::atomic<uint64_t> oldest_;
  const SqliteStoreOptions options_;
  // One compaction at a time.
  absl::Mutex compact_mu_;

  absl::Mutex queue_mu_;
  std::deque<PendingAppend*> queue_ ABSL_GUARDED_BY(queue_mu_);
  // The writer's synchronous setting (SetWriterSync); used by the
  // group-commit leader only.
  bool writer_syncs_every_commit_ = true;

  // Audit entries not yet committed; the next commit takes them.
  absl::Mutex audit_mu_;
  std::vector<v1::AuditEntry> audit_pending_ ABSL_GUARDED_BY(audit_mu_);
  bool audit_stop_ ABSL_GUARDED_BY(audit_mu_) = false;
  std::thread audit_flusher_;

  mutable absl::Mutex readers_mu_;
  mutable std::vector<std::unique_ptr<SqliteConnection>> idle_readers_
      ABSL_GUARDED_BY(readers_mu_);
};

}  // namespace newswire

#endif  // NEWSWIRE_CORE_STORE_SQLITE_STORE_H_
