// ArchiveReader: read-only access to an archive for scripts and tools,
// beside a running server or without one. It never takes the data dir's
// lock and never writes; it sees what the server has committed.
#ifndef NEWSWIRE_CORE_STORE_ARCHIVE_READER_H_
#define NEWSWIRE_CORE_STORE_ARCHIVE_READER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "core/base/sqlite.h"
#include "core/store/store.h"
#include "newswire/v1/access.pb.h"

namespace newswire {

class ArchiveReader {
 public:
  // Opens the archive in `data_dir` read-only. NOT_FOUND if there is none;
  // FAILED_PRECONDITION if the file is not a newswire archive or its schema
  // is not this build's (an older one is upgraded by starting a server on
  // it once).
  static absl::StatusOr<std::unique_ptr<ArchiveReader>> Open(const std::string& data_dir);

  // As the Store methods of the same names. Thread-safe.
  absl::StatusOr<StoredArticle> GetArticle(absl::string_view id, uint32_t version);
  absl::StatusOr<std::vector<FeedEvent>> ReadAfter(uint64_t after, size_t max_events);
  absl::StatusOr<v1::SearchArticlesResponse> Search(const v1::SearchArticlesRequest& request);
  absl::StatusOr<uint64_t> HeadSequence();
  absl::StatusOr<uint64_t> OldestSequence();
  // As AuditLog::ReadAudit: what the server has committed of its audit log.
  absl::StatusOr<std::vector<v1::AuditEntry>> ReadAudit(absl::Time since, uint64_t after_id,
                                                        size_t limit);

 private:
  explicit ArchiveReader(std::unique_ptr<SqliteConnection> db) : db_(std::move(db)) {}

  absl::Mutex mu_;
  const std::unique_ptr<SqliteConnection> db_ ABSL_PT_GUARDED_BY(mu_);
};

}  // namespace newswire

#endif  // NEWSWIRE_CORE_STORE_ARCHIVE_READER_H_
