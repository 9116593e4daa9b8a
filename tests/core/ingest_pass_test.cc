// `newswire ingest`'s pass over a drop folder: each new or changed file is
// published once, across restarts; bad files go aside with their reason;
// an unreachable server loses nothing.
#include "core/publish/ingest_pass.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/fanout/hub.h"
#include "gtest/gtest.h"
#include "tests/core/memory_archive.h"
#include "tests/core/temp_dir.h"

namespace newswire {
namespace {

namespace fs = std::filesystem;

std::string Rss(const std::string& body) {
  return absl::StrCat(
      "<rss version='2.0'><channel><title>Desk</title>"
      "<item><title>Tram line approved</title><guid>https://x.example/1</guid>"
      "<description>", body, "</description></item>"
      "<item><title>Budget passed</title><guid>https://x.example/2</guid>"
      "<description>Spending rises.</description></item></channel></rss>");
}

void Write(const std::string& path, const std::string& contents) {
  std::ofstream(path, std::ios::binary) << contents;
}

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class IngestPassTest : public ::testing::Test {
 protected:
  absl::StatusOr<IngestTally> Pass(DropFolder& folder, bool settled = false) {
    std::ostringstream out;
    return IngestPass(
        folder, settled,
        [this](const Article& a) -> absl::StatusOr<PublishResult> {
          if (down_) return absl::UnavailableError("connection refused");
          return wire_.Publish(a);
        },
        out, err_);
  }

  TempDir dir_;
  const std::unique_ptr<SqliteStore> archive_ = NewMemoryArchive();
  SqliteStore& store_ = *archive_;
  Hub hub_{&store_};
  Wire wire_{&store_, &hub_};
  bool down_ = false;
  std::ostringstream err_;
};

TEST_F(IngestPassTest, PublishesEachFileOnceEvenAfterARestart) {
  Write(dir_.path() + "/a.xml", Rss("The vote was 31 to 4."));
  Write(dir_.path() + "/story.txt", "Harbour reopens\n\nThe port reopened on Monday.\n");
  auto folder = DropFolder::Open(dir_.path());
  ASSERT_TRUE(folder.ok()) << folder.status();
  auto first = Pass(*folder);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->files, 2u);
  EXPECT_EQ(first->published, 3u);
  EXPECT_EQ(store_.HeadSequence(), 3u);
  EXPECT_EQ(Pass(*folder)->files, 0u);
  // A new process reads the record: nothing again.
  auto reopened = DropFolder::Open(dir_.path());
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(Pass(*reopened)->files, 0u);
  // Touched or rewritten with the same bytes: nothing either.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  Write(dir_.path() + "/a.xml", Rss("The vote was 31 to 4."));
  EXPECT_EQ(Pass(*reopened)->files, 0u);
  EXPECT_EQ(store_.HeadSequence(), 3u);
}

TEST_F(IngestPassTest, AChangedFileGivesTheChangedStoriesOnly) {
  Write(dir_.path() + "/a.xml", Rss("The vote was 31 to 4."));
  auto folder = DropFolder::Open(dir_.path());
  ASSERT_TRUE(Pass(*folder).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  Write(dir_.path() + "/a.xml", Rss("The vote was 31 to 5."));
  auto again = Pass(*folder);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->files, 1u);
  EXPECT_EQ(again->published, 1u);   // The edited story, as version 2.
  EXPECT_EQ(again->duplicates, 1u);  // The other, unchanged.
  EXPECT_EQ(store_.GetArticle("https://x.example/1", 0)->article.version(), 2u);
}

TEST_F(IngestPassTest, BadFilesGoAsideWithTheirReason) {
  Write(dir_.path() + "/page.html", "<html><body>Not a feed</body></html>");
  Write(dir_.path() + "/good.xml", Rss("Fine."));
  auto folder = DropFolder::Open(dir_.path());
  auto tally = Pass(*folder);
  ASSERT_TRUE(tally.ok()) << tally.status();
  EXPECT_EQ(tally->rejected, 1u);
  EXPECT_EQ(tally->files, 1u);
  EXPECT_FALSE(fs::exists(dir_.path() + "/page.html"));
  EXPECT_TRUE(fs::exists(dir_.path() + "/rejected/page.html"));
  EXPECT_TRUE(absl::StrContains(Read(dir_.path() + "/rejected/page.html.error"),
                                "root element <html> is not a feed"));
  EXPECT_TRUE(absl::StrContains(err_.str(), "page.html: rejected:"));
  EXPECT_EQ(Pass(*folder)->rejected, 0u);  // Gone from the folder.
}

TEST_F(IngestPassTest, AnUnreachableServerLosesNothing) {
  Write(dir_.path() + "/a.xml", Rss("The vote was 31 to 4."));
  auto folder = DropFolder::Open(dir_.path());
  down_ = true;
  auto failed = Pass(*folder);
  ASSERT_TRUE(failed.ok()) << failed.status();
  EXPECT_TRUE(failed->unavailable);
  EXPECT_EQ(failed->files, 0u);
  down_ = false;
  auto retried = Pass(*folder);
  ASSERT_TRUE(retried.ok());
  EXPECT_FALSE(retried->unavailable);
  EXPECT_EQ(retried->files, 1u);
  EXPECT_EQ(store_.HeadSequence(), 2u);
}

TEST_F(IngestPassTest, WatchingWaitsForAFileToSettle) {
  auto folder = DropFolder::Open(dir_.path());
  Write(dir_.path() + "/a.xml", Rss("Half"));
  EXPECT_EQ(Pass(*folder, /*settled=*/true)->files, 0u);  // First seen.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  Write(dir_.path() + "/a.xml", Rss("Half written, now whole."));
  EXPECT_EQ(Pass(*folder, true)->files, 0u);  // Changed since: still being written.
  EXPECT_EQ(Pass(*folder, true)->files, 1u);  // Unchanged for a pass: taken.
  EXPECT_TRUE(absl::StrContains(store_.GetArticle("https://x.example/1", 0)->article.body_text(),
                                "now whole"));
}

TEST_F(IngestPassTest, ACorruptRecordIsReportedByLine) {
  Write(dir_.path() + "/" + DropFolder::kRecordName, "12 34 abc a.xml\n");
  EXPECT_EQ(DropFolder::Open(dir_.path()).status().message(),
            dir_.path() + "/.newswire-ingest: line 1 is not \"SIZE MTIME_NS SHA256 NAME\"");
  EXPECT_EQ(DropFolder::Open(dir_.path() + "/missing").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace newswire
