// Reading an archive offline, beside the server that writes it.
#include "core/store/archive_reader.h"

#include <fstream>

#include "absl/strings/str_cat.h"
#include "core/store/sqlite_store.h"
#include "gtest/gtest.h"
#include "tests/core/temp_dir.h"

namespace newswire {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1732000000);

Article Story(int n) {
  Article a;
  a.set_id(absl::StrCat("urn:test:", n));
  a.set_headline(absl::StrCat("Lighthouse keeper ", n, " retires"));
  a.set_body_text("After forty years.");
  NormalizeArticle(a);
  return a;
}

TEST(ArchiveReader, ReadsWhatTheRunningStoreCommitsWithoutItsLock) {
  TempDir dir;
  auto store = SqliteStore::Open(dir.path());
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE((*store)->Append(Story(1), kNow).ok());

  auto reader = ArchiveReader::Open(dir.path());  // The store holds the lock.
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ(*(*reader)->HeadSequence(), 1u);
  ASSERT_TRUE((*store)->Append(Story(2), kNow).ok());
  EXPECT_EQ(*(*reader)->HeadSequence(), 2u) << "sees new commits";
  EXPECT_EQ((*reader)->ReadAfter(0, 10)->size(), 2u);
  EXPECT_EQ((*reader)->GetArticle("urn:test:2", 0)->article.headline(),
            "Lighthouse keeper 2 retires");
  EXPECT_EQ((*reader)->GetArticle("urn:test:9", 0).status().code(),
            absl::StatusCode::kNotFound);
  v1::SearchArticlesRequest request;
  request.set_query("lighthouse");
  EXPECT_EQ((*reader)->Search(request)->hits_size(), 2);
  EXPECT_EQ(*(*reader)->OldestSequence(), 1u);
}

TEST(ArchiveReader, RefusesWhatIsNotAnArchive) {
  TempDir dir;
  EXPECT_EQ(ArchiveReader::Open(dir.path()).status().code(), absl::StatusCode::kNotFound);
  std::ofstream(dir.path() + "/" + kArchiveFileName) << std::string(4096, 'x');
  EXPECT_EQ(ArchiveReader::Open(dir.path()).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace newswire
