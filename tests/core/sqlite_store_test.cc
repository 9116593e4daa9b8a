// What only the durable archive promises: reopening, refusing what is not
// ours, one server per data dir.
#include "core/store/sqlite_store.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "core/base/sqlite.h"
#include "core/model/simhash.h"
#include "gtest/gtest.h"
#include "tests/core/temp_dir.h"

namespace newswire {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1732000000);

Article Story(int n, uint32_t version = 1) {
  Article a;
  a.set_id(absl::StrCat("urn:test:", n));
  a.set_version(version);
  a.set_headline(absl::StrCat("Story ", n, " version ", version));
  a.set_body_text("Text.");
  NormalizeArticle(a);
  return a;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteAll(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

TEST(SqliteStore, ReopenKeepsEventsArticlesAndTheSequence) {
  TempDir dir;
  {
    auto store = SqliteStore::Open(dir.path());
    ASSERT_TRUE(store.ok()) << store.status();
    for (int i = 1; i <= 3; ++i) ASSERT_TRUE((*store)->Append(Story(i), kNow).ok());
    ASSERT_TRUE((*store)->Append(Story(1, 2), kNow + absl::Hours(1)).ok());
  }
  auto store = SqliteStore::Open(dir.path());
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ((*store)->HeadSequence(), 4u);
  auto events = (*store)->ReadAfter(0, 10);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 4u);
  EXPECT_EQ((*events)[3].kind(), v1::EVENT_KIND_UPDATED);
  EXPECT_EQ((*events)[3].article().headline(), "Story 1 version 2");
  EXPECT_EQ(absl::ToUnixSeconds(FromProtoTime((*events)[3].published_at())),
            absl::ToUnixSeconds(kNow + absl::Hours(1)));
  EXPECT_EQ((*store)->GetArticle("urn:test:1", 1)->article.headline(), "Story 1 version 1");

  // Sequences continue; duplicates of stored articles are still detected.
  auto next = (*store)->Append(Story(9), kNow);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->sequence, 5u);
  auto again = (*store)->Append(Story(2), kNow);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->sequence, 2u);
}

// An action's audit row is readable as soon as the action returned, not
// only after the flusher's next commit.
TEST(SqliteStore, AuditEntriesAreReadableAtOnce) {
  TempDir dir;
  auto store = SqliteStore::Open(dir.path());
  ASSERT_TRUE(store.ok()) << store.status();
  for (int i = 0; i < 20; ++i) {
    v1::AuditEntry entry;
    entry.set_method("RevokeKey");
    entry.set_reason(absl::StrCat("revoked key ", i));
    (*store)->Record(entry);
    absl::StatusOr<std::vector<v1::AuditEntry>> read =
        (*store)->ReadAudit(absl::InfinitePast(), 0, 1000);
    ASSERT_TRUE(read.ok()) << read.status();
    ASSERT_EQ(read->size(), static_cast<size_t>(i + 1));
    EXPECT_EQ(read->back().reason(), absl::StrCat("revoked key ", i));
  }
}

// The near-duplicate lookup finds the stored story whose SimHash is nearest
// within kNearDuplicateBits through whichever 16-bit block the two share,
// the earliest of equally near ones, and nothing one bit further away.
TEST(SqliteStore, NearDuplicateIsTheNearestStoryWithinTheBitLimit) {
  TempDir dir;
  auto store = SqliteStore::Open(dir.path());
  ASSERT_TRUE(store.ok()) << store.status();
  constexpr uint64_t kHash = 0x1234'5678'9ABC'DEF0;
  auto stored = [&](int n, uint64_t simhash) {
    Article a = Story(n);
    a.set_body_text(absl::StrCat("Body of story ", n, "."));
    NormalizeArticle(a);
    a.set_simhash(simhash);
    ASSERT_TRUE((*store)->Append(a, kNow).ok());
  };
  auto nearest = [&](uint64_t simhash) -> std::string {
    Article probe = Story(100);
    probe.set_simhash(simhash);
    auto found = (*store)->FindSameStory(probe, StoryLookup::kNearDuplicatesOnly);
    EXPECT_TRUE(found.ok()) << found.status();
    if (!found.ok() || !found->has_value()) return "none";
    EXPECT_EQ((*found)->match, SameStory::Match::kNearDuplicate);
    return (*found)->id;
  };
  static_assert(kNearDuplicateBits == 3);
  // One bit off in each of blocks 0-2: only block 3 is shared.
  stored(1, kHash ^ 0x0000'0001'0001'0001);
  // Four bits off, one in each block: no block shared, and too far anyway.
  stored(2, kHash ^ 0x0001'0001'0001'0001);
  EXPECT_EQ(nearest(kHash), "urn:test:1");
  // Four bits off within block 0: the other blocks match, the distance does not.
  EXPECT_EQ(nearest(kHash ^ 0x0000'0000'0000'000F ^ 0x0000'0001'0001'0001), "none");
  // Two off in block 3 alone, stored later: nearer, so it wins...
  stored(3, kHash ^ 0x0300'0000'0000'0000);
  EXPECT_EQ(nearest(kHash), "urn:test:3");
  // ...and of two equally near stories the earlier one does.
  stored(4, kHash ^ 0x0000'0000'0000'0300);
  EXPECT_EQ(nearest(kHash), "urn:test:3");
  // A probe never finds a story of its own id.
  Article self = Story(3);
  self.set_simhash(kHash);
  auto found = (*store)->FindSameStory(self, StoryLookup::kNearDuplicatesOnly);
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->id, "urn:test:4");
}

TEST(SqliteStore, CompactionSurvivesReopen) {
  TempDir dir;
  {
    auto store = SqliteStore::Open(dir.path());
    ASSERT_TRUE(store.ok()) << store.status();
    for (int i = 1; i <= 5; ++i) ASSERT_TRUE((*store)->Append(Story(i), kNow).ok());
    ASSERT_TRUE((*store)->Compact({.max_events = 5}, kNow).ok());
    EXPECT_EQ(*(*store)->Compact({.max_events = 2}, kNow), 3u);
  }
  auto store = SqliteStore::Open(dir.path());
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ((*store)->OldestSequence(), 4u);
  EXPECT_EQ((*store)->HeadSequence(), 5u);
}

// A full disk, simulated by a size limit on the archive: the publish that
// does not fit fails, nothing acknowledged is lost, reads go on.
TEST(SqliteStore, FullDiskFailsThePublishAndKeepsEverythingAcknowledged) {
  TempDir dir;
  auto store = SqliteStore::Open(dir.path(), {.max_archive_bytes = 256 << 10});
  ASSERT_TRUE(store.ok()) << store.status();
  const std::string body(4000, 'w');
  std::vector<uint64_t> acked;
  absl::Status failure;
  for (int i = 1; i <= 1000 && failure.ok(); ++i) {
    Article a = Story(i);
    a.set_body_text(absl::StrCat(body, " ", i));
    NormalizeArticle(a);
    auto r = (*store)->Append(a, kNow);
    if (r.ok()) {
      acked.push_back(r->sequence);
    } else {
      failure = r.status();
    }
  }
  ASSERT_FALSE(failure.ok()) << "the limit was never reached";
  EXPECT_EQ(failure.code(), absl::StatusCode::kResourceExhausted) << failure;
  EXPECT_NE(failure.message().find("disk full"), std::string::npos) << failure;
  ASSERT_FALSE(acked.empty());
  EXPECT_EQ((*store)->HeadSequence(), acked.back());

  // Everything acknowledged is readable; a duplicate is still recognised.
  auto events = (*store)->ReadAfter(0, acked.size() + 10);
  ASSERT_TRUE(events.ok()) << events.status();
  EXPECT_EQ(events->size(), acked.size());
  EXPECT_TRUE((*store)->GetArticle("urn:test:1", 1).ok());
  Article again = Story(1);
  again.set_body_text(absl::StrCat(body, " 1"));
  NormalizeArticle(again);
  auto duplicate = (*store)->Append(again, kNow);
  ASSERT_TRUE(duplicate.ok()) << duplicate.status();
  EXPECT_TRUE(duplicate->duplicate);

  // After a reopen, nothing acknowledged is missing and nothing else is there.
  store->reset();
  auto reopened = SqliteStore::Open(dir.path());
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ((*reopened)->HeadSequence(), acked.back());
}

TEST(SqliteStore, OneServerPerDataDir) {
  TempDir dir;
  auto first = SqliteStore::Open(dir.path());
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = SqliteStore::Open(dir.path());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(second.status().message().find("in use by another newswire server (pid "),
            std::string::npos)
      << second.status();
  first->reset();
  EXPECT_TRUE(SqliteStore::Open(dir.path()).ok()) << "the lock goes with the store";
}

TEST(SqliteStore, RefusesAFileThatIsNotADatabaseAndLeavesItAlone) {
  TempDir dir;
  const std::string path = dir.path() + "/" + kArchiveFileName;
  const std::string garbage(8192, 'x');
  WriteAll(path, garbage);
  auto store = SqliteStore::Open(dir.path());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(store.status().message().find("is not a newswire archive"), std::string::npos)
      << store.status();
  EXPECT_EQ(ReadAll(path), garbage);
}

TEST(SqliteStore, RefusesAnotherApplicationsDatabaseAndLeavesItAlone) {
  TempDir dir;
  const std::string path = dir.path() + "/" + kArchiveFileName;
  {
    auto db = SqliteConnection::Open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Execute("CREATE TABLE recipes (name TEXT)").ok());
  }
  const std::string before = ReadAll(path);
  auto store = SqliteStore::Open(dir.path());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(store.status().message().find("not a newswire archive"), std::string::npos)
      << store.status();
  EXPECT_EQ(ReadAll(path), before);
}

TEST(SqliteStore, RefusesAnArchiveFromANewerNewswire) {
  TempDir dir;
  ASSERT_TRUE(SqliteStore::Open(dir.path()).ok());
  {
    auto db = SqliteConnection::Open(dir.path() + "/" + kArchiveFileName,
                                     SQLITE_OPEN_READWRITE);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Execute(absl::StrCat("PRAGMA user_version = ",
                                            kArchiveSchemaVersion + 1))
                    .ok());
  }
  auto store = SqliteStore::Open(dir.path());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(store.status().message().find("newer than this newswire supports"),
            std::string::npos)
      << store.status();
}

TEST(SqliteStore, ArchiveOfSchemaVersion2IsMigratedWithEveryVersionKept) {
  TempDir dir;
  {
    auto store = SqliteStore::Open(dir.path());
    ASSERT_TRUE(store.ok()) << store.status();
    for (int i = 1; i <= 3; ++i) ASSERT_TRUE((*store)->Append(Story(i), kNow).ok());
    ASSERT_TRUE((*store)->Append(Story(2, 2), kNow).ok());
  }
  {
    // Lay the articles table out as schema version 2 did (keyed by id and
    // version, no rowid), as a server released with it left the archive.
    auto db = SqliteConnection::Open(dir.path() + "/" + kArchiveFileName,
                                     SQLITE_OPEN_READWRITE);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Execute(R"sql(
      CREATE TABLE old_articles (id TEXT NOT NULL, version INTEGER NOT NULL,
        sequence INTEGER NOT NULL, pub_status INTEGER NOT NULL,
        fingerprint TEXT NOT NULL, article BLOB NOT NULL,
        PRIMARY KEY (id, version)) WITHOUT ROWID;
      INSERT INTO old_articles
        SELECT id, version, sequence, pub_status, fingerprint, article FROM articles;
      DROP TABLE articles;
      ALTER TABLE old_articles RENAME TO articles;
      DROP INDEX events_by_time;
      DROP TABLE held;
      DROP INDEX current_by_url;
      DROP INDEX current_by_fingerprint;
      DROP INDEX current_by_simhash0;
      DROP INDEX current_by_simhash1;
      DROP INDEX current_by_simhash2;
      DROP INDEX current_by_simhash3;
      ALTER TABLE current_articles DROP COLUMN canonical_url;
      ALTER TABLE current_articles DROP COLUMN fingerprint;
      ALTER TABLE current_articles DROP COLUMN simhash;
      ALTER TABLE current_articles DROP COLUMN near_duplicate;
      DROP TABLE api_keys;
      DROP TABLE audit_log;
      DROP TABLE websub_subscriptions;
      PRAGMA user_version = 2;
    )sql").ok());
  }
  auto store = SqliteStore::Open(dir.path());
  ASSERT_TRUE(store.ok()) << store.status();
  auto events = (*store)->ReadAfter(0, 10);
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), 4u);
  EXPECT_EQ((*events)[3].article().headline(), "Story 2 version 2");
  EXPECT_EQ((*store)->GetArticle("urn:test:2", 1)->article.headline(), "Story 2 version 1");
  EXPECT_EQ((*store)->GetArticle("urn:test:2", 0)->sequence, 4u);
  // Still one row per id and version: a republish is a duplicate.
  auto again = (*store)->Append(Story(2, 2), kNow);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->sequence, 4u);
  auto next = (*store)->Append(Story(4), kNow);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->sequence, 5u);
  // The story index was filled from the stored articles.
  Article copy = Story(2, 2);
  copy.set_id("urn:other:2");
  auto same = (*store)->FindSameStory(copy, StoryLookup::kAnyMatch);
  ASSERT_TRUE(same.ok()) << same.status();
  ASSERT_TRUE(same->has_value());
  EXPECT_EQ((*same)->id, "urn:test:2");
  EXPECT_EQ((*same)->version, 2u);
  store->reset();
  auto db = SqliteConnection::Open(dir.path() + "/" + kArchiveFileName, SQLITE_OPEN_READONLY);
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(*(*db)->QueryInt("PRAGMA user_version"), kArchiveSchemaVersion);
  EXPECT_EQ(*(*db)->QueryInt("SELECT max(rowid) FROM articles"), 5);
}

TEST(SqliteStore, DataDirThatIsAFileIsRefused) {
  TempDir dir;
  const std::string file = dir.path() + "/not-a-dir";
  WriteAll(file, "x");
  auto store = SqliteStore::Open(file);
  EXPECT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("not-a-dir"), std::string::npos) << store.status();
  EXPECT_EQ(ReadAll(file), "x");
}

TEST(SqliteStore, ArchiveIsMarkedAndInWalMode) {
  TempDir dir;
  ASSERT_TRUE(SqliteStore::Open(dir.path()).ok());
  auto db = SqliteConnection::Open(dir.path() + "/" + kArchiveFileName, SQLITE_OPEN_READWRITE);
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(*(*db)->QueryInt("PRAGMA application_id"), kArchiveApplicationId);
  EXPECT_EQ(*(*db)->QueryInt("PRAGMA user_version"), kArchiveSchemaVersion);
  // WAL mode is recorded in the file header: read and write versions 2.
  EXPECT_EQ(ReadAll(dir.path() + "/" + kArchiveFileName).substr(18, 2), "\x02\x02");
}

}  // namespace
}  // namespace newswire
