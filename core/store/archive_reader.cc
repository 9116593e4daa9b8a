#include "core/store/archive_reader.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "core/policy/audit_log.h"
#include "core/store/sqlite_access.h"
#include "core/store/sqlite_archive.h"
#include "core/store/sqlite_search.h"
#include "core/store/sqlite_store.h"

namespace newswire {

absl::StatusOr<std::unique_ptr<ArchiveReader>> ArchiveReader::Open(
    const std::string& data_dir) {
  const std::string path = absl::StrCat(data_dir, "/", kArchiveFileName);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return absl::NotFoundError(absl::StrCat("no newswire archive at ", path));
  }
  absl::StatusOr<std::unique_ptr<SqliteConnection>> db =
      SqliteConnection::Open(path, SQLITE_OPEN_READONLY);
  if (!db.ok()) return db.status();
  if (absl::Status s = CheckArchive(**db); !s.ok()) return s;
  if (absl::Status s = ConfigureReader(**db); !s.ok()) return s;
  absl::StatusOr<int64_t> version = (*db)->QueryInt("PRAGMA user_version");
  if (!version.ok()) return version.status();
  if (*version != kArchiveSchemaVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        path, " has archive schema version ", *version, ", older than this newswire's (",
        kArchiveSchemaVersion, "): start `newswire serve --data ", data_dir,
        "` once to upgrade it"));
  }
  return std::unique_ptr<ArchiveReader>(new ArchiveReader(*std::move(db)));
}

absl::StatusOr<StoredArticle> ArchiveReader::GetArticle(absl::string_view id,
                                                        uint32_t version) {
  absl::MutexLock lock(&mu_);
  return ReadArticle(*db_, id, version);
}

absl::StatusOr<std::vector<FeedEvent>> ArchiveReader::ReadAfter(uint64_t after,
                                                                size_t max_events) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<uint64_t> head = ReadHeadSequence(*db_);
  if (!head.ok()) return head.status();
  return ReadEvents(*db_, after, *head, max_events);
}

absl::StatusOr<v1::SearchArticlesResponse> ArchiveReader::Search(
    const v1::SearchArticlesRequest& request) {
  absl::MutexLock lock(&mu_);
  return SearchIndex(*db_, request);
}

absl::StatusOr<uint64_t> ArchiveReader::HeadSequence() {
  absl::MutexLock lock(&mu_);
  return ReadHeadSequence(*db_);
}

absl::StatusOr<uint64_t> ArchiveReader::OldestSequence() {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<uint64_t> head = ReadHeadSequence(*db_);
  if (!head.ok()) return head.status();
  return ReadOldestSequence(*db_, *head);
}

absl::StatusOr<std::vector<v1::AuditEntry>> ArchiveReader::ReadAudit(absl::Time since,
                                                                     uint64_t after_id,
                                                                     size_t limit) {
  absl::MutexLock lock(&mu_);
  return ReadAuditEntries(*db_, since, after_id, std::min(limit, kMaxAuditRead));
}

}  // namespace newswire
