#include "core/store/sqlite_archive.h"

#include "absl/strings/str_cat.h"
#include "core/base/quote_input.h"
#include "core/search/search_rank.h"
#include "core/store/sqlite_stories.h"

namespace newswire {

absl::Status ConfigureReader(SqliteConnection& db, int cache_kib) {
  if (absl::Status s = db.Execute(absl::StrCat("PRAGMA busy_timeout = 10000; PRAGMA cache_size = -",
                                               cache_kib));
      !s.ok()) {
    return s;
  }
  if (absl::Status s = RegisterStoryFunctions(db); !s.ok()) return s;
  return RegisterRankFunction(db);
}

absl::Status CheckArchive(SqliteConnection& db) {
  absl::StatusOr<int64_t> app_id = db.QueryInt("PRAGMA application_id");
  if (!app_id.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        db.path(), " is not a newswire archive (", app_id.status().message(),
        "); refusing to use it"));
  }
  absl::StatusOr<int64_t> version = db.QueryInt("PRAGMA user_version");
  if (!version.ok()) return version.status();
  if (*app_id != kArchiveApplicationId) {
    absl::StatusOr<int64_t> tables = db.QueryInt("SELECT count(*) FROM sqlite_schema");
    if (!tables.ok()) return tables.status();
    if (*app_id == 0 && *version == 0 && *tables == 0) return absl::OkStatus();  // New.
    return absl::FailedPreconditionError(absl::StrCat(
        db.path(), " is a SQLite database but not a newswire archive (application_id ",
        *app_id, "); refusing to use it"));
  }
  if (*version > kArchiveSchemaVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        db.path(), " has archive schema version ", *version,
        ", newer than this newswire supports (", kArchiveSchemaVersion,
        "): upgrade newswire"));
  }
  return absl::OkStatus();
}

namespace {

// Reads the (sequence, article) row a lookup statement returned.
absl::StatusOr<std::optional<StoredArticle>> ReadStored(SqliteConnection& db,
                                                        SqliteConnection::Scoped& stmt) {
  const int rc = stmt->Step();
  if (rc == SQLITE_DONE) return std::optional<StoredArticle>();
  if (rc != SQLITE_ROW) return db.Error(rc, "reading an article");
  StoredArticle stored;
  stored.sequence = static_cast<uint64_t>(stmt->ColumnInt(0));
  const absl::string_view bytes = stmt->ColumnBytes(1);
  if (!stored.article.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(absl::StrCat(db.path(), ": article at sequence ",
                                            stored.sequence, " is unreadable"));
  }
  return stored;
}

}  // namespace

absl::StatusOr<std::optional<StoredArticle>> LookUp(SqliteConnection& db,
                                                    absl::string_view id,
                                                    uint32_t version) {
  if (version == 0) {
    absl::StatusOr<SqliteConnection::Scoped> stmt = db.Prepare(
        "SELECT sequence, article FROM articles WHERE id = ?1 "
        "ORDER BY version DESC LIMIT 1");
    if (!stmt.ok()) return stmt.status();
    (*stmt)->BindText(1, id);
    return ReadStored(db, *stmt);
  }
  absl::StatusOr<SqliteConnection::Scoped> stmt =
      db.Prepare("SELECT sequence, article FROM articles WHERE id = ?1 AND version = ?2");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->BindText(1, id);
  (*stmt)->Bind(2, version);
  return ReadStored(db, *stmt);
}


absl::StatusOr<StoredArticle> ReadArticle(SqliteConnection& db, absl::string_view id,
                                          uint32_t version) {
  absl::StatusOr<std::optional<StoredArticle>> stored = LookUp(db, id, version);
  if (!stored.ok()) return stored.status();
  if (stored->has_value()) return **std::move(stored);
  if (version == 0) {
    return absl::NotFoundError(absl::StrCat("no article with id ", QuoteInput(id)));
  }
  absl::StatusOr<std::optional<StoredArticle>> current = LookUp(db, id, 0);
  if (!current.ok()) return current.status();
  if (!current->has_value()) {
    return absl::NotFoundError(absl::StrCat("no article with id ", QuoteInput(id)));
  }
  return absl::NotFoundError(absl::StrCat("article ", QuoteInput(id), " has no version ",
                                          version, "; the current version is ",
                                          (*current)->article.version()));
}

absl::StatusOr<std::vector<FeedEvent>> ReadEvents(SqliteConnection& db, uint64_t after,
                                                  uint64_t up_to, size_t max_events) {
  absl::StatusOr<SqliteConnection::Scoped> stmt = db.Prepare(
      "SELECT e.sequence, e.kind, e.published_at_us, a.article FROM events e "
      "JOIN articles a ON a.sequence = e.sequence "
      "WHERE e.sequence > ?1 AND e.sequence <= ?2 ORDER BY e.sequence LIMIT ?3");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->Bind(1, static_cast<int64_t>(after));
  (*stmt)->Bind(2, static_cast<int64_t>(up_to));
  (*stmt)->Bind(3, static_cast<int64_t>(max_events));
  std::vector<FeedEvent> events;
  int rc;
  while ((rc = (*stmt)->Step()) == SQLITE_ROW) {
    FeedEvent& event = events.emplace_back();
    event.set_sequence(static_cast<uint64_t>((*stmt)->ColumnInt(0)));
    event.set_kind(static_cast<v1::EventKind>((*stmt)->ColumnInt(1)));
    *event.mutable_published_at() = ToProtoTime(absl::FromUnixMicros((*stmt)->ColumnInt(2)));
    const absl::string_view bytes = (*stmt)->ColumnBytes(3);
    if (!event.mutable_article()->ParseFromArray(bytes.data(),
                                                 static_cast<int>(bytes.size()))) {
      return absl::DataLossError(absl::StrCat(db.path(), ": event ", event.sequence(),
                                              " is unreadable"));
    }
  }
  if (rc != SQLITE_DONE) return db.Error(rc, "reading events");
  return events;
}

absl::Status ForEachStoredArticle(
    SqliteConnection& db, const std::string& sql, absl::string_view key_name,
    absl::FunctionRef<absl::Status(int64_t key, const Article& article)> visit) {
  absl::StatusOr<std::unique_ptr<SqliteStatement>> rows = db.PrepareOnce(sql);
  if (!rows.ok()) return rows.status();
  int rc;
  while ((rc = (*rows)->Step()) == SQLITE_ROW) {
    Article article;
    const absl::string_view bytes = (*rows)->ColumnBytes(1);
    if (!article.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      return absl::DataLossError(absl::StrCat(db.path(), ": article at ", key_name, " ",
                                              (*rows)->ColumnInt(0), " is unreadable"));
    }
    if (absl::Status s = visit((*rows)->ColumnInt(0), article); !s.ok()) return s;
  }
  return rc == SQLITE_DONE ? absl::OkStatus() : db.Error(rc, "reading stored articles");
}

absl::Status ForEachCurrentArticle(
    SqliteConnection& db,
    absl::FunctionRef<absl::Status(int64_t rowid, const Article& article)> visit) {
  return ForEachStoredArticle(db,
                              "SELECT c.rowid, a.article FROM current_articles c "
                              "JOIN articles a ON a.id = c.id AND a.version = c.version",
                              "current_articles row", visit);
}

namespace {

absl::StatusOr<Article> ParseHeld(SqliteConnection& db, absl::string_view bytes) {
  Article article;
  if (!article.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(absl::StrCat(db.path(), ": a held article is unreadable"));
  }
  return article;
}

}  // namespace

absl::StatusOr<std::optional<Article>> LookUpHeld(SqliteConnection& db, absl::string_view id,
                                                  uint32_t version) {
  absl::StatusOr<SqliteConnection::Scoped> stmt =
      db.Prepare("SELECT article FROM held WHERE id = ?1 AND (?2 = 0 OR version = ?2) "
                 "ORDER BY version DESC LIMIT 1");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->BindText(1, id);
  (*stmt)->Bind(2, version);
  const int rc = (*stmt)->Step();
  if (rc == SQLITE_DONE) return std::optional<Article>();
  if (rc != SQLITE_ROW) return db.Error(rc, "reading a held article");
  absl::StatusOr<Article> article = ParseHeld(db, (*stmt)->ColumnBytes(0));
  if (!article.ok()) return article.status();
  return *std::move(article);
}

absl::Status InsertHeld(SqliteConnection& db, const Article& article) {
  absl::StatusOr<SqliteConnection::Scoped> stmt = db.Prepare(
      "INSERT INTO held (id, version, release_us, article) VALUES (?1, ?2, ?3, ?4)");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->BindText(1, article.id());
  (*stmt)->Bind(2, article.version());
  (*stmt)->Bind(3, absl::ToUnixMicros(EmbargoEnd(article)));
  const std::string bytes = article.SerializeAsString();  // Bound, not copied.
  (*stmt)->BindBlob(4, bytes);
  const int rc = (*stmt)->Step();
  return rc == SQLITE_DONE ? absl::OkStatus() : db.Error(rc, "holding an embargoed article");
}

absl::Status DeleteHeld(SqliteConnection& db, absl::string_view id, uint32_t version) {
  absl::StatusOr<SqliteConnection::Scoped> stmt =
      db.Prepare("DELETE FROM held WHERE id = ?1 AND version = ?2");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->BindText(1, id);
  (*stmt)->Bind(2, version);
  const int rc = (*stmt)->Step();
  return rc == SQLITE_DONE ? absl::OkStatus() : db.Error(rc, "releasing a held article");
}

absl::StatusOr<std::vector<Article>> ReadHeldUntil(SqliteConnection& db, absl::Time time) {
  absl::StatusOr<SqliteConnection::Scoped> stmt = db.Prepare(
      "SELECT article FROM held WHERE release_us <= ?1 ORDER BY release_us, id, version");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->Bind(1, absl::ToUnixMicros(time));
  std::vector<Article> due;
  int rc;
  while ((rc = (*stmt)->Step()) == SQLITE_ROW) {
    absl::StatusOr<Article> article = ParseHeld(db, (*stmt)->ColumnBytes(0));
    if (!article.ok()) return article.status();
    due.push_back(*std::move(article));
  }
  if (rc != SQLITE_DONE) return db.Error(rc, "reading held articles");
  return due;
}

absl::StatusOr<std::optional<absl::Time>> ReadNextRelease(SqliteConnection& db) {
  absl::StatusOr<SqliteConnection::Scoped> stmt =
      db.Prepare("SELECT release_us FROM held ORDER BY release_us LIMIT 1");
  if (!stmt.ok()) return stmt.status();
  const int rc = (*stmt)->Step();
  if (rc == SQLITE_DONE) return std::optional<absl::Time>();
  if (rc != SQLITE_ROW) return db.Error(rc, "reading held articles");
  return absl::FromUnixMicros((*stmt)->ColumnInt(0));
}

absl::StatusOr<std::vector<Article>> ReadEarlierVersions(SqliteConnection& db,
                                                         absl::string_view id,
                                                         uint32_t version) {
  absl::StatusOr<SqliteConnection::Scoped> stmt = db.Prepare(
      "SELECT sequence, article FROM articles WHERE id = ?1 AND version < ?2 "
      "ORDER BY version");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->BindText(1, id);
  (*stmt)->Bind(2, version);
  std::vector<Article> earlier;
  while (true) {
    absl::StatusOr<std::optional<StoredArticle>> stored = ReadStored(db, *stmt);
    if (!stored.ok()) return stored.status();
    if (!stored->has_value()) return earlier;
    earlier.push_back(std::move((*stored)->article));
  }
}

absl::StatusOr<absl::flat_hash_map<std::string, uint32_t>> ReadCurrentVersions(
    SqliteConnection& db, const std::vector<std::string>& ids) {
  absl::StatusOr<SqliteConnection::Scoped> stmt =
      db.Prepare("SELECT max(version) FROM articles WHERE id = ?1");
  if (!stmt.ok()) return stmt.status();
  absl::flat_hash_map<std::string, uint32_t> current;
  for (const std::string& id : ids) {
    if (current.contains(id)) continue;
    (*stmt)->BindText(1, id);
    if (const int rc = (*stmt)->Step(); rc != SQLITE_ROW) {
      return db.Error(rc, "reading current versions");
    }
    if (const int64_t version = (*stmt)->ColumnInt(0); version > 0) {
      current[id] = static_cast<uint32_t>(version);
    }
    (*stmt)->Reset();
  }
  return current;
}

absl::StatusOr<uint64_t> ReadFirstSequenceSince(SqliteConnection& db, absl::Time time,
                                                uint64_t up_to) {
  absl::StatusOr<SqliteConnection::Scoped> stmt = db.Prepare(
      "SELECT min(sequence) FROM events WHERE published_at_us >= ?1 AND sequence <= ?2");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->Bind(1, absl::ToUnixMicros(time));
  (*stmt)->Bind(2, static_cast<int64_t>(up_to));
  if (const int rc = (*stmt)->Step(); rc != SQLITE_ROW) {
    return db.Error(rc, "finding events by time");
  }
  // NULL (none) reads as 0.
  const int64_t first = (*stmt)->ColumnInt(0);
  return first == 0 ? up_to + 1 : static_cast<uint64_t>(first);
}

absl::StatusOr<uint64_t> ReadHeadSequence(SqliteConnection& db) {
  absl::StatusOr<int64_t> head =
      db.QueryInt("SELECT value FROM meta WHERE name = 'last_sequence'");
  if (!head.ok()) return head.status();
  return static_cast<uint64_t>(*head);
}

absl::StatusOr<uint64_t> ReadOldestSequence(SqliteConnection& db, uint64_t head) {
  // NULL (no events stored) reads as 0: then the oldest is past the head.
  absl::StatusOr<int64_t> oldest = db.QueryInt("SELECT min(sequence) FROM events");
  if (!oldest.ok()) return oldest.status();
  return *oldest == 0 ? head + 1 : static_cast<uint64_t>(*oldest);
}

}  // namespace newswire
