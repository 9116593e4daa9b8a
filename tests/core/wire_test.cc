// Wire::Publish picks the version of an article sent without one (version
// 0), as feeds re-polled need: the same item again is a duplicate, a changed
// one the next version.
#include <memory>

#include "core/hub.h"
#include "core/memory_store.h"
#include "core/sqlite_store.h"
#include "core/wire.h"
#include "gtest/gtest.h"
#include "tests/core/temp_dir.h"

namespace newswire {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1732000000);

class WirePicksVersion : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "memory") {
      store_ = std::make_unique<MemoryStore>();
    } else {
      auto store = SqliteStore::Open(dir_.path());
      ASSERT_TRUE(store.ok()) << store.status();
      store_ = *std::move(store);
    }
    hub_ = std::make_unique<Hub>(store_.get());
    wire_ = std::make_unique<Wire>(store_.get(), hub_.get(), [] { return kT0; });
  }

  static Article Item(const std::string& body, int64_t updated_seconds = 0) {
    Article a;
    a.set_id("https://example.com/story/1");
    a.set_headline("Council approves tram line");
    a.set_body_text(body);
    if (updated_seconds != 0) a.mutable_version_created()->set_seconds(updated_seconds);
    return a;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Hub> hub_;
  std::unique_ptr<Wire> wire_;
};

INSTANTIATE_TEST_SUITE_P(AllStores, WirePicksVersion, ::testing::Values("memory", "sqlite"),
                         [](const auto& info) { return info.param; });

TEST_P(WirePicksVersion, NewIdIsVersionOneAndTheSameItemAgainADuplicate) {
  auto first = wire_->Publish(Item("The vote was 31 to 4."));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->version, 1u);
  EXPECT_FALSE(first->duplicate);
  auto again = wire_->Publish(Item("The vote was 31 to 4."));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->version, 1u);
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->sequence, first->sequence);
  EXPECT_EQ(store_->HeadSequence(), 1u);
}

TEST_P(WirePicksVersion, ChangedContentOrUpdatedTimeIsTheNextVersion) {
  ASSERT_TRUE(wire_->Publish(Item("The vote was 31 to 4.", 1000)).ok());
  auto edited = wire_->Publish(Item("The vote was 31 to 5.", 1000));
  ASSERT_TRUE(edited.ok()) << edited.status();
  EXPECT_EQ(edited->version, 2u);
  EXPECT_FALSE(edited->duplicate);
  // Same text, but the feed says the item was updated: a new version.
  auto touched = wire_->Publish(Item("The vote was 31 to 5.", 2000));
  ASSERT_TRUE(touched.ok()) << touched.status();
  EXPECT_EQ(touched->version, 3u);
  // And polled again unchanged: nothing new.
  auto polled = wire_->Publish(Item("The vote was 31 to 5.", 2000));
  ASSERT_TRUE(polled.ok()) << polled.status();
  EXPECT_TRUE(polled->duplicate);
  EXPECT_EQ(polled->version, 3u);
  EXPECT_EQ(store_->HeadSequence(), 3u);
  auto current = store_->GetArticle("https://example.com/story/1", 0);
  ASSERT_TRUE(current.ok());
  EXPECT_EQ(current->article.version(), 3u);
}

TEST_P(WirePicksVersion, AnExplicitVersionIsKeptAsSent) {
  Article a = Item("The vote was 31 to 4.");
  a.set_version(7);
  auto result = wire_->Publish(a);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->version, 7u);
  // An explicit older version is still refused, as before.
  a.set_version(6);
  a.set_body_text("Other.");
  EXPECT_EQ(wire_->Publish(a).status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace newswire
