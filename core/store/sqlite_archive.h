// Reading an archive file: the checks and queries shared by SqliteStore
// (which also writes) and ArchiveReader (which only reads, beside a running
// server). Each function runs on the connection it is given.
#ifndef NEWSWIRE_CORE_STORE_SQLITE_ARCHIVE_H_
#define NEWSWIRE_CORE_STORE_SQLITE_ARCHIVE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "core/base/sqlite.h"
#include "core/store/store.h"

namespace newswire {

// "NWSR": PRAGMA application_id of a newswire archive.
inline constexpr int32_t kArchiveApplicationId = 0x4E575352;
// The schema version this build writes; older archives are migrated.
inline constexpr int kArchiveSchemaVersion = 9;

// Page cache of each reading connection, in KiB: big enough to keep the
// search index's hot pages (segment roots, B-tree interior pages) between
// queries instead of re-reading them from the OS (SQLite's default: 2 MB).
inline constexpr int kReaderCacheKiB = 32 * 1024;
// The same for an archive in memory (SqliteStore::OpenInMemory): SQLite's
// default. Its pages are in memory already, a hit only saves copying one,
// and each commit empties the other connections' caches there (memdb has
// no WAL), so a bigger cache mostly costs filling it again (a first
// catch-up took 1.6 times the server CPU with 32 MB: bench/RESULTS.md) and
// holds a copy of the archive per reader.
inline constexpr int kMemoryReaderCacheKiB = 2000;

// Readies a connection for reading and searching: waits for writers instead
// of failing busy, a page cache of `cache_kib`, the search rank function.
// REQUIRES: called once per connection.
absl::Status ConfigureReader(SqliteConnection& db, int cache_kib = kReaderCacheKiB);

// Checks that the file behind `db` is empty or a newswire archive of a
// schema this build can read; FAILED_PRECONDITION naming the file if not.
// Reads only.
absl::Status CheckArchive(SqliteConnection& db);

// Version `version` of article `id` (0: the highest), or nullopt.
absl::StatusOr<std::optional<StoredArticle>> LookUp(SqliteConnection& db,
                                                    absl::string_view id,
                                                    uint32_t version);

// As Store::GetArticle: NOT_FOUND names what is missing.
absl::StatusOr<StoredArticle> ReadArticle(SqliteConnection& db, absl::string_view id,
                                          uint32_t version);

// As Store::ReadAfter, reading no event past `up_to`.
absl::StatusOr<std::vector<FeedEvent>> ReadEvents(SqliteConnection& db, uint64_t after,
                                                  uint64_t up_to, size_t max_events);

// The held article `id` version `version` (0: its newest held version),
// or nullopt.
absl::StatusOr<std::optional<Article>> LookUpHeld(SqliteConnection& db, absl::string_view id,
                                                  uint32_t version);
// Holds `article` until its embargo ends; removes a held article.
absl::Status InsertHeld(SqliteConnection& db, const Article& article);
absl::Status DeleteHeld(SqliteConnection& db, absl::string_view id, uint32_t version);
// The held articles whose embargo ends by `time`, the earliest first.
absl::StatusOr<std::vector<Article>> ReadHeldUntil(SqliteConnection& db, absl::Time time);
// When the next held article's embargo ends, if any is held.
absl::StatusOr<std::optional<absl::Time>> ReadNextRelease(SqliteConnection& db);

// Runs `sql` (selecting an integer key, then a serialized Article) and
// calls `visit` for each row, stopping at its first error. DATA_LOSS names
// the key (as "`key_name` KEY") of an article that does not parse. For
// migration steps that rework every stored article.
absl::Status ForEachStoredArticle(
    SqliteConnection& db, const std::string& sql, absl::string_view key_name,
    absl::FunctionRef<absl::Status(int64_t key, const Article& article)> visit);

// Calls `visit` with the current_articles rowid and the stored version of
// every article the index holds: for schema steps that fill its columns.
absl::Status ForEachCurrentArticle(
    SqliteConnection& db,
    absl::FunctionRef<absl::Status(int64_t rowid, const Article& article)> visit);

// As Store::EarlierVersions.
absl::StatusOr<std::vector<Article>> ReadEarlierVersions(SqliteConnection& db,
                                                         absl::string_view id,
                                                         uint32_t version);

// As Store::CurrentVersions.
absl::StatusOr<absl::flat_hash_map<std::string, uint32_t>> ReadCurrentVersions(
    SqliteConnection& db, const std::vector<std::string>& ids);

// As Store::FirstSequenceSince, reading no event past `up_to`.
absl::StatusOr<uint64_t> ReadFirstSequenceSince(SqliteConnection& db, absl::Time time,
                                                uint64_t up_to);

// The last sequence assigned, and the oldest event kept (up_to + 1 when no
// event is stored), as recorded in the file.
absl::StatusOr<uint64_t> ReadHeadSequence(SqliteConnection& db);
absl::StatusOr<uint64_t> ReadOldestSequence(SqliteConnection& db, uint64_t head);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_STORE_SQLITE_ARCHIVE_H_
