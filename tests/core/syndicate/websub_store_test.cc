// The WebSub hub's subscriptions, in memory and in the archive: the same
// contract, and the archive's survive reopening.
#include "core/syndicate/websub_store.h"

#include <functional>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "core/store/sqlite_store.h"
#include "gtest/gtest.h"
#include "tests/core/temp_dir.h"

namespace newswire {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1732000000);

WebSubRecord Record(absl::string_view topic, absl::string_view callback) {
  WebSubRecord record;
  record.topic = std::string(topic);
  record.callback = std::string(callback);
  record.secret = "s3cret";
  record.lease_end = kNow + absl::Hours(240);
  record.created = kNow;
  record.cursor = 7;
  return record;
}

// Runs each contract test on a memory store and on an archive store.
class WebSubStoreContract : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (!GetParam()) {
      store_ = OpenMemoryWebSubStore();
      return;
    }
    auto archive = SqliteStore::Open(dir_.path());
    ASSERT_TRUE(archive.ok()) << archive.status();
    archive_ = *std::move(archive);
    auto store = OpenArchiveWebSubStore(archive_->path());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  TempDir dir_;
  std::unique_ptr<SqliteStore> archive_;
  std::unique_ptr<WebSubStore> store_;
};

TEST_P(WebSubStoreContract, PutThenLoadGivesEveryRecordByTopicAndCallback) {
  ASSERT_TRUE(store_->Put(Record("http://h/v1/feed.rss", "http://b/cb")).ok());
  ASSERT_TRUE(store_->Put(Record("http://h/v1/feed.atom", "http://b/cb")).ok());
  ASSERT_TRUE(store_->Put(Record("http://h/v1/feed.atom", "http://a/cb")).ok());
  auto records = store_->Load();
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 3u);
  EXPECT_EQ((*records)[0], Record("http://h/v1/feed.atom", "http://a/cb"));
  EXPECT_EQ((*records)[1].callback, "http://b/cb");
  EXPECT_EQ((*records)[2].topic, "http://h/v1/feed.rss");
}

TEST_P(WebSubStoreContract, PutReplacesTheSubscriptionWithTheSameTopicAndCallback) {
  ASSERT_TRUE(store_->Put(Record("http://h/v1/feed.atom", "http://a/cb")).ok());
  WebSubRecord renewed = Record("http://h/v1/feed.atom", "http://a/cb");
  renewed.secret = "";
  renewed.lease_end = kNow + absl::Hours(1);
  ASSERT_TRUE(store_->Put(renewed).ok());
  auto records = store_->Load();
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ((*records)[0], renewed);
}

TEST_P(WebSubStoreContract, SetCursorMovesOnlyThatSubscription) {
  ASSERT_TRUE(store_->Put(Record("http://h/v1/feed.atom", "http://a/cb")).ok());
  ASSERT_TRUE(store_->Put(Record("http://h/v1/feed.atom", "http://b/cb")).ok());
  ASSERT_TRUE(store_->SetCursor("http://h/v1/feed.atom", "http://b/cb", 42).ok());
  ASSERT_TRUE(store_->SetCursor("http://h/v1/feed.atom", "http://nobody/", 9).ok());
  auto records = store_->Load();
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ((*records)[0].cursor, 7u);
  EXPECT_EQ((*records)[1].cursor, 42u);
}

TEST_P(WebSubStoreContract, RemoveDeletesOnlyThatSubscription) {
  ASSERT_TRUE(store_->Put(Record("http://h/v1/feed.atom", "http://a/cb")).ok());
  ASSERT_TRUE(store_->Put(Record("http://h/v1/feed.rss", "http://a/cb")).ok());
  ASSERT_TRUE(store_->Remove("http://h/v1/feed.atom", "http://a/cb").ok());
  ASSERT_TRUE(store_->Remove("http://h/v1/feed.atom", "http://a/cb").ok());
  auto records = store_->Load();
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ((*records)[0].topic, "http://h/v1/feed.rss");
}

INSTANTIATE_TEST_SUITE_P(MemoryAndArchive, WebSubStoreContract, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? std::string("Archive")
                                             : std::string("Memory");
                         });

TEST(ArchiveWebSubStore, SubscriptionsSurviveReopeningTheArchive) {
  TempDir dir;
  {
    auto archive = SqliteStore::Open(dir.path());
    ASSERT_TRUE(archive.ok()) << archive.status();
    auto store = OpenArchiveWebSubStore((*archive)->path());
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE(
        (*store)->Put(Record("http://h/v1/feed.json?place=Kyiv", "https://a/cb")).ok());
    ASSERT_TRUE(
        (*store)->SetCursor("http://h/v1/feed.json?place=Kyiv", "https://a/cb", 11).ok());
  }
  auto archive = SqliteStore::Open(dir.path());
  ASSERT_TRUE(archive.ok()) << archive.status();
  auto store = OpenArchiveWebSubStore((*archive)->path());
  ASSERT_TRUE(store.ok()) << store.status();
  auto records = (*store)->Load();
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 1u);
  WebSubRecord expected = Record("http://h/v1/feed.json?place=Kyiv", "https://a/cb");
  expected.cursor = 11;
  EXPECT_EQ((*records)[0], expected);
}

TEST(ArchiveWebSubStore, RefusesAFileThatIsNotAMigratedArchive) {
  TempDir dir;
  auto db = SqliteConnection::Open(absl::StrCat(dir.path(), "/other.db"),
                                   SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Execute("CREATE TABLE t (x INTEGER)").ok());
  auto store = OpenArchiveWebSubStore((*db)->path());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace newswire
