#include "core/store/sqlite_stories.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "core/model/simhash.h"
#include "core/store/sqlite_archive.h"

namespace newswire {

// The SimHash block expressions here and in FindSameStoryIn's query must be
// written alike, for SQLite to use the indexes.
const char kStoryIndexSchema[] = R"sql(
  ALTER TABLE current_articles ADD COLUMN canonical_url TEXT NOT NULL DEFAULT '';
  ALTER TABLE current_articles ADD COLUMN fingerprint TEXT NOT NULL DEFAULT '';
  ALTER TABLE current_articles ADD COLUMN simhash INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE current_articles ADD COLUMN near_duplicate INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX current_by_url ON current_articles (canonical_url) WHERE canonical_url <> '';
  CREATE INDEX current_by_fingerprint ON current_articles (fingerprint);
  CREATE INDEX current_by_simhash0 ON current_articles (((simhash >> 0) & 65535))
    WHERE simhash <> 0 AND near_duplicate = 0;
  CREATE INDEX current_by_simhash1 ON current_articles (((simhash >> 16) & 65535))
    WHERE simhash <> 0 AND near_duplicate = 0;
  CREATE INDEX current_by_simhash2 ON current_articles (((simhash >> 32) & 65535))
    WHERE simhash <> 0 AND near_duplicate = 0;
  CREATE INDEX current_by_simhash3 ON current_articles (((simhash >> 48) & 65535))
    WHERE simhash <> 0 AND near_duplicate = 0;
)sql";

const char kStoryIndexCoveringSchema[] = R"sql(
  DROP INDEX current_by_simhash0;
  DROP INDEX current_by_simhash1;
  DROP INDEX current_by_simhash2;
  DROP INDEX current_by_simhash3;
  CREATE INDEX current_by_simhash0 ON current_articles (((simhash >> 0) & 65535), simhash)
    WHERE simhash <> 0 AND near_duplicate = 0;
  CREATE INDEX current_by_simhash1 ON current_articles (((simhash >> 16) & 65535), simhash)
    WHERE simhash <> 0 AND near_duplicate = 0;
  CREATE INDEX current_by_simhash2 ON current_articles (((simhash >> 32) & 65535), simhash)
    WHERE simhash <> 0 AND near_duplicate = 0;
  CREATE INDEX current_by_simhash3 ON current_articles (((simhash >> 48) & 65535), simhash)
    WHERE simhash <> 0 AND near_duplicate = 0;
)sql";

namespace {

constexpr char kHammingFunction[] = "nw_hamming";

void Hamming(sqlite3_context* context, int, sqlite3_value** args) {
  if (sqlite3_value_type(args[0]) != SQLITE_INTEGER ||
      sqlite3_value_type(args[1]) != SQLITE_INTEGER) {
    sqlite3_result_null(context);
    return;
  }
  sqlite3_result_int(context,
                     HammingDistance(static_cast<uint64_t>(sqlite3_value_int64(args[0])),
                                     static_cast<uint64_t>(sqlite3_value_int64(args[1]))));
}

constexpr int kCanceled = v1::PUB_STATUS_CANCELED;

// The earliest current article other than `id` where `column` = `value`.
absl::StatusOr<std::optional<SameStory>> FindBy(SqliteConnection& db, const char* sql,
                                                const std::string& value,
                                                const std::string& id, SameStory::Match match) {
  absl::StatusOr<SqliteConnection::Scoped> stmt = db.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  (*stmt)->BindText(1, value);
  (*stmt)->BindText(2, id);
  (*stmt)->Bind(3, kCanceled);
  const int rc = (*stmt)->Step();
  if (rc == SQLITE_DONE) return std::nullopt;
  if (rc != SQLITE_ROW) return db.Error(rc, "looking for the same story");
  return SameStory{.match = match,
                   .id = std::string((*stmt)->ColumnBytes(0)),
                   .version = static_cast<uint32_t>((*stmt)->ColumnInt(1)),
                   .sequence = static_cast<uint64_t>((*stmt)->ColumnInt(2))};
}

}  // namespace

absl::Status RegisterStoryFunctions(SqliteConnection& db) {
  const int rc = sqlite3_create_function_v2(
      db.handle(), kHammingFunction, 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
      nullptr, &Hamming, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return db.Error(rc, "registering the story lookup's functions");
  return absl::OkStatus();
}

absl::Status BackfillStoryIndex(SqliteConnection& db) {
  absl::StatusOr<std::unique_ptr<SqliteStatement>> update = db.PrepareOnce(
      "UPDATE current_articles SET canonical_url = ?2, fingerprint = ?3, simhash = ?4, "
      "near_duplicate = ?5 WHERE rowid = ?1");
  if (!update.ok()) return update.status();
  return ForEachCurrentArticle(db, [&](int64_t rowid, const Article& article) {
    SqliteStatement& stmt = **update;
    stmt.Bind(1, rowid);
    stmt.BindText(2, article.canonical_url());
    stmt.BindText(3, article.fingerprint());
    stmt.Bind(4, static_cast<int64_t>(SimHash(article.body_text())));
    stmt.Bind(5, IsNearDuplicate(article) ? 1 : 0);
    return db.Run(stmt, "filling the story index");
  });
}

namespace {

// The stored story whose SimHash is nearest to `article`'s, as
// Store::FindSameStory's last step.
absl::StatusOr<std::optional<SameStory>> FindNearDuplicate(SqliteConnection& db,
                                                           const Article& article) {
  if (article.simhash() == 0) return std::nullopt;
  // Each arm scans one block's index entries and keeps those within
  // kNearDuplicateBits (?7) before reading the table (SQLite tests terms on
  // the index's own columns first): only near candidates cost a row.
  absl::StatusOr<SqliteConnection::Scoped> near = db.Prepare(
      "SELECT id, version, sequence, simhash FROM current_articles "
      "WHERE simhash <> 0 AND near_duplicate = 0 AND (((simhash >> 0) & 65535)) = ?1 "
      "  AND nw_hamming(simhash, ?8) <= ?7 AND id <> ?5 AND pub_status <> ?6 "
      "UNION SELECT id, version, sequence, simhash FROM current_articles "
      "WHERE simhash <> 0 AND near_duplicate = 0 AND (((simhash >> 16) & 65535)) = ?2 "
      "  AND nw_hamming(simhash, ?8) <= ?7 AND id <> ?5 AND pub_status <> ?6 "
      "UNION SELECT id, version, sequence, simhash FROM current_articles "
      "WHERE simhash <> 0 AND near_duplicate = 0 AND (((simhash >> 32) & 65535)) = ?3 "
      "  AND nw_hamming(simhash, ?8) <= ?7 AND id <> ?5 AND pub_status <> ?6 "
      "UNION SELECT id, version, sequence, simhash FROM current_articles "
      "WHERE simhash <> 0 AND near_duplicate = 0 AND (((simhash >> 48) & 65535)) = ?4 "
      "  AND nw_hamming(simhash, ?8) <= ?7 AND id <> ?5 AND pub_status <> ?6");
  if (!near.ok()) return near.status();
  for (int b = 0; b < kSimHashBlocks; ++b) {
    (*near)->Bind(b + 1, int64_t{SimHashBlock(article.simhash(), b)});
  }
  (*near)->BindText(5, article.id());
  (*near)->Bind(6, kCanceled);
  (*near)->Bind(7, kNearDuplicateBits);
  (*near)->Bind(8, static_cast<int64_t>(article.simhash()));
  std::optional<SameStory> nearest;
  int nearest_distance = kNearDuplicateBits + 1;
  int rc;
  while ((rc = (*near)->Step()) == SQLITE_ROW) {
    const int distance =
        HammingDistance(static_cast<uint64_t>((*near)->ColumnInt(3)), article.simhash());
    const auto sequence = static_cast<uint64_t>((*near)->ColumnInt(2));
    if (distance < nearest_distance ||
        (distance == nearest_distance && nearest && sequence < nearest->sequence)) {
      nearest_distance = distance;
      nearest = SameStory{.match = SameStory::Match::kNearDuplicate,
                          .id = std::string((*near)->ColumnBytes(0)),
                          .version = static_cast<uint32_t>((*near)->ColumnInt(1)),
                          .sequence = sequence};
    }
  }
  if (rc != SQLITE_DONE) return db.Error(rc, "looking for near-duplicates");
  return nearest;
}

}  // namespace

absl::StatusOr<std::optional<SameStory>> FindSameStoryIn(SqliteConnection& db,
                                                         const Article& article,
                                                         StoryLookup lookup) {
  if (lookup == StoryLookup::kNearDuplicatesOnly) return FindNearDuplicate(db, article);
  if (!article.canonical_url().empty()) {
    absl::StatusOr<std::optional<SameStory>> same = FindBy(
        db,
        "SELECT id, version, sequence FROM current_articles "
        "WHERE canonical_url = ?1 AND canonical_url <> '' AND id <> ?2 AND pub_status <> ?3 "
        "ORDER BY sequence LIMIT 1",
        article.canonical_url(), article.id(), SameStory::Match::kSameUrl);
    if (!same.ok() || same->has_value()) return same;
  }
  absl::StatusOr<std::optional<SameStory>> same = FindBy(
      db,
      "SELECT id, version, sequence FROM current_articles "
      "WHERE fingerprint = ?1 AND id <> ?2 AND pub_status <> ?3 ORDER BY sequence LIMIT 1",
      article.fingerprint(), article.id(), SameStory::Match::kSameContent);
  if (!same.ok() || same->has_value()) return same;
  return FindNearDuplicate(db, article);
}

}  // namespace newswire
