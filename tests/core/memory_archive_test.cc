// What an archive in memory promises beyond the Store contract (which
// store_test.cc and the search tests also run on it): each is an archive
// of its own, nothing of it reaches the filesystem, and its memory goes
// with it.
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <optional>
#include <string>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "core/store/sqlite_store.h"
#include "gtest/gtest.h"
#include "tests/core/temp_dir.h"

namespace newswire {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1732000000);

Article Story(int n, const std::string& body = "Ships wait outside.") {
  Article a;
  a.set_id(absl::StrCat("urn:test:", n));
  a.set_version(1);
  a.set_headline(absl::StrCat("Harbour closed, day ", n));
  a.set_body_text(body);
  NormalizeArticle(a);
  return a;
}

v1::SearchArticlesRequest Query(const std::string& query) {
  v1::SearchArticlesRequest request;
  request.set_query(query);
  return request;
}

TEST(MemoryArchive, TwoArchivesShareNothing) {
  auto a = SqliteStore::OpenInMemory();
  auto b = SqliteStore::OpenInMemory();
  ASSERT_TRUE(a.ok() && b.ok()) << a.status() << b.status();
  ASSERT_TRUE((*a)->Append(Story(1), kNow).ok());

  EXPECT_EQ((*b)->HeadSequence(), 0u);
  EXPECT_TRUE((*b)->ReadAfter(0, 10)->empty());
  EXPECT_EQ((*b)->GetArticle("urn:test:1", 0).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ((*b)->Search(Query("harbour"))->hits_size(), 0);
  auto other = (*b)->Append(Story(2), kNow);
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_EQ(other->sequence, 1u);

  auto found = (*a)->Search(Query("harbour"));
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->hits_size(), 1);
  EXPECT_EQ(found->hits(0).article().id(), "urn:test:1");
  EXPECT_NE(found->hits(0).snippet().find("**Harbour**"), std::string::npos)
      << found->hits(0).snippet();

  // A new archive opened after one is gone starts empty too.
  a->reset();
  auto c = SqliteStore::OpenInMemory();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ((*c)->HeadSequence(), 0u);
}

// SQLite reads TMPDIR when it is first used; under ctest, where each test
// is a process of its own, that is in this test.
TEST(MemoryArchive, WritesNothingToTheFilesystem) {
  TempDir cwd, tmp;
  const std::filesystem::path old_cwd = std::filesystem::current_path();
  const char* old_tmpdir = getenv("TMPDIR");
  const std::optional<std::string> tmpdir =
      old_tmpdir ? std::optional<std::string>(old_tmpdir) : std::nullopt;
  setenv("TMPDIR", tmp.path().c_str(), 1);
  std::filesystem::current_path(cwd.path());
  absl::Cleanup restore = [&] {
    std::filesystem::current_path(old_cwd);
    if (tmpdir.has_value()) {
      setenv("TMPDIR", tmpdir->c_str(), 1);
    } else {
      unsetenv("TMPDIR");
    }
  };
  {
    auto store = SqliteStore::OpenInMemory();
    ASSERT_TRUE(store.ok()) << store.status();
    // About 20 MB: more than the page caches hold, and sorts larger than
    // SQLite keeps in memory for a file database.
    const std::string body(10000, 'w');
    for (int i = 1; i <= 2000; ++i) {
      ASSERT_TRUE((*store)->Append(Story(i, absl::StrCat(body, " ", i)), kNow).ok());
    }
    EXPECT_EQ((*store)->ReadAfter(0, 5000)->size(), 2000u);
    EXPECT_EQ((*store)->Search(Query("harbour"))->hits_size(), 20);
    v1::SearchArticlesRequest newest;
    newest.set_order(v1::SearchArticlesRequest::ORDER_NEWEST);
    newest.set_page_size(100);
    EXPECT_EQ((*store)->Search(newest)->hits_size(), 100);
    v1::AuditEntry entry;
    entry.set_method("Publish");
    (*store)->Record(entry);
    EXPECT_EQ((*store)->ReadAudit(absl::InfinitePast(), 0, 10)->size(), 1u);
    EXPECT_EQ(*(*store)->Compact({.max_events = 100}, kNow), 1900u);
  }
  EXPECT_TRUE(std::filesystem::is_empty(cwd.path()));
  EXPECT_TRUE(std::filesystem::is_empty(tmp.path()));
}

TEST(MemoryArchive, ItsMemoryIsFreedWithTheStore) {
  const int64_t before = sqlite3_memory_used();
  {
    auto store = SqliteStore::OpenInMemory();
    ASSERT_TRUE(store.ok()) << store.status();
    const std::string body(4000, 'w');
    for (int i = 1; i <= 500; ++i) {
      ASSERT_TRUE((*store)->Append(Story(i, absl::StrCat(body, " ", i)), kNow).ok());
    }
    EXPECT_EQ((*store)->Search(Query("harbour"))->hits_size(), 20);
    EXPECT_GT(sqlite3_memory_used(), before + (2 << 20));
  }
  EXPECT_LT(sqlite3_memory_used(), before + (256 << 10));
}

// The size limit bounds an archive in memory as it bounds a file: the
// publish that does not fit fails, and everything acknowledged stays.
TEST(MemoryArchive, SizeLimitRefusesWhatDoesNotFit) {
  auto store = SqliteStore::OpenInMemory({.max_archive_bytes = 256 << 10});
  ASSERT_TRUE(store.ok()) << store.status();
  const std::string body(4000, 'w');
  uint64_t acked = 0;
  absl::Status failure;
  for (int i = 1; i <= 1000 && failure.ok(); ++i) {
    auto r = (*store)->Append(Story(i, absl::StrCat(body, " ", i)), kNow);
    if (r.ok()) {
      acked = r->sequence;
    } else {
      failure = r.status();
    }
  }
  EXPECT_EQ(failure.code(), absl::StatusCode::kResourceExhausted) << failure;
  ASSERT_GT(acked, 0u);
  EXPECT_EQ((*store)->HeadSequence(), acked);
  EXPECT_EQ((*store)->ReadAfter(0, 1000)->size(), acked);
  EXPECT_TRUE((*store)->GetArticle("urn:test:1", 1).ok());
}

}  // namespace
}  // namespace newswire
