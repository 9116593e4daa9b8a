// The archive's full-text search index: the current version of every
// article, its text and its filterable terms (places, subjects, …, each one
// token) in an FTS5 table, so a query and its filters are one MATCH.
// Used by SqliteStore; the functions run on the connection they are given,
// inside the caller's transaction where they write.
#ifndef NEWSWIRE_CORE_STORE_SQLITE_SEARCH_H_
#define NEWSWIRE_CORE_STORE_SQLITE_SEARCH_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "core/model/article.h"
#include "core/base/sqlite.h"
#include "newswire/v1/feed.pb.h"

namespace newswire {

// Schema of the index (archive schema version 2).
extern const char kSearchIndexSchema[];

// Page size when a request asks for none, and the most one page holds.
inline constexpr uint32_t kDefaultSearchPageSize = 20;
inline constexpr uint32_t kMaxSearchPageSize = 100;
// Relevance order ranks this many of the newest matches.
inline constexpr int kRelevanceWindow = 1000;
// Most words a prefix* may stand for in one query.
inline constexpr size_t kMaxPrefixWords = 100;

// Which columns of current_articles exist: all, or only those of schema
// step 2 (while migrating through it; step 5 fills the rest).
enum class IndexColumns { kAll, kSchema2 };

// Makes `article`, stored at `sequence`, the current version of its id in
// the index, replacing any earlier version.
absl::Status IndexCurrentVersion(SqliteConnection& db, const Article& article,
                                 uint64_t sequence, IndexColumns columns = IndexColumns::kAll);

// Indexes the current version of every stored article: schema step 2, for
// an archive that had no index.
absl::Status BackfillSearchIndex(SqliteConnection& db);

// Schema step: writes again the filter tokens of every indexed article whose
// values hold capitals beyond ASCII ("ŁÓDŹ"), which earlier versions made
// small by their ASCII letters only; other rows are left as they are.
absl::Status RetokenFilterValues(SqliteConnection& db);

// Runs `request` against the index. Only USABLE articles match unless
// request.pub_statuses says otherwise. Relevance order is BM25 with the
// headline weighted above the dateline, summary and body (search_rank.h),
// over the newest kRelevanceWindow matches (news: what is recent and
// relevant); scores compare hits of one search only. Newest order is
// the order in which the current versions were published. Page tokens are
// opaque and tied to the request: newest-order pages continue below the last
// hit shown, relevance pages are computed over the archive as of the first
// page, so articles arriving meanwhile neither repeat nor shift results (an
// article updated meanwhile leaves the later pages: its current version is
// newer than the search).
// INVALID_ARGUMENT names a bad query, filter or page token.
// REQUIRES: ConfigureReader(db) (sqlite_archive.h) was called.
absl::StatusOr<v1::SearchArticlesResponse> SearchIndex(
    SqliteConnection& db, const v1::SearchArticlesRequest& request);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_STORE_SQLITE_SEARCH_H_
