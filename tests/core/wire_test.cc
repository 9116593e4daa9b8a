// Wire::Publish picks the version of an article sent without one (version
// 0), as feeds re-polled need: the same item again is a duplicate, a changed
// one the next version.
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/fanout/hub.h"
#include "core/publish/wire.h"
#include "gtest/gtest.h"
#include "tests/core/any_store.h"

namespace newswire {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1732000000);

class WirePicksVersion : public AnyStoreTest {
 protected:
  void SetUp() override {
    AnyStoreTest::SetUp();
    if (HasFatalFailure()) return;
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

  std::unique_ptr<Hub> hub_;
  std::unique_ptr<Wire> wire_;
};

INSTANTIATE_TEST_SUITE_P(AllStores, WirePicksVersion, ::testing::Values("file", "memory"),
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

constexpr char kWireCopy[] =
    "The city council voted 31 to 4 on Tuesday to approve a new tram line linking the "
    "railway station with the university and the northern suburbs. Construction is "
    "expected to begin in the spring and to last three years, officials said, at a cost "
    "of about 420 million euros shared between the city, the region and the national "
    "government. Opponents argued that the money would be better spent on buses.";

Article FromFeed(const std::string& id, const std::string& url, const std::string& body) {
  Article a;
  a.set_id(id);
  a.set_headline("Council approves tram line");
  a.set_canonical_url(url);
  a.set_body_text(body);
  return a;
}

TEST_P(WirePicksVersion, TheSameStoryFromAnotherFeedIsOneArticle) {
  auto first = wire_->Publish(FromFeed("urn:feed-a:1", "https://paper.example/tram", kWireCopy));
  ASSERT_TRUE(first.ok()) << first.status();
  // Same canonical URL, other id and words: the story already here.
  auto by_url = wire_->Publish(FromFeed("urn:feed-b:9", "https://paper.example/tram",
                                        "A shorter version of the tram story."));
  ASSERT_TRUE(by_url.ok()) << by_url.status();
  EXPECT_TRUE(by_url->duplicate);
  EXPECT_EQ(by_url->id, "urn:feed-a:1");
  EXPECT_EQ(by_url->sequence, first->sequence);
  // Same body, no URL: the same.
  auto by_body = wire_->Publish(FromFeed("urn:feed-c:3", "", kWireCopy));
  ASSERT_TRUE(by_body.ok()) << by_body.status();
  EXPECT_TRUE(by_body->duplicate);
  EXPECT_EQ(by_body->id, "urn:feed-a:1");
  EXPECT_EQ(store_->HeadSequence(), 1u);
  EXPECT_EQ(store_->GetArticle("urn:feed-b:9", 0).status().code(), absl::StatusCode::kNotFound);
}

TEST_P(WirePicksVersion, ANearDuplicateIsPublishedWithALinkToTheFirst) {
  ASSERT_TRUE(wire_->Publish(FromFeed("urn:feed-a:1", "https://a.example/tram", kWireCopy)).ok());
  std::string edited = kWireCopy;
  edited.replace(edited.find("Tuesday"), 7, "Monday");
  auto copy = wire_->Publish(FromFeed("urn:feed-b:1", "https://b.example/tram", edited));
  ASSERT_TRUE(copy.ok()) << copy.status();
  EXPECT_FALSE(copy->duplicate);
  auto stored = store_->GetArticle("urn:feed-b:1", 0);
  ASSERT_TRUE(stored.ok());
  ASSERT_TRUE(IsNearDuplicate(stored->article));
  EXPECT_EQ(stored->article.links(0).href(), "urn:feed-a:1");
  // A third copy links to the original, not to the copy.
  edited.replace(edited.find("spring"), 6, "autumn");
  ASSERT_TRUE(wire_->Publish(FromFeed("urn:feed-c:1", "https://c.example/tram", edited)).ok());
  EXPECT_EQ(store_->GetArticle("urn:feed-c:1", 0)->article.links(0).href(), "urn:feed-a:1");
  // Another story is nobody's duplicate.
  ASSERT_TRUE(wire_->Publish(FromFeed("urn:feed-a:2", "https://a.example/hospital",
                                      "Regional health officials said on Tuesday that waiting "
                                      "times at the two main hospitals had fallen for the third "
                                      "month in a row after new staff were hired for the "
                                      "emergency departments, and patients now wait less."))
                  .ok());
  EXPECT_FALSE(IsNearDuplicate(store_->GetArticle("urn:feed-a:2", 0)->article));
}

// A feed's own story that changes into a copy of another feed's is its own
// next version, linked to the original: an exact copy is the nearest
// near-duplicate there is, and that the fingerprint (or URL) also matches
// must not hide it.
TEST_P(WirePicksVersion, AStoryUpdatedIntoACopyOfAnotherLinksToIt) {
  ASSERT_TRUE(wire_->Publish(FromFeed("urn:feed-a:1", "https://a.example/tram", kWireCopy)).ok());
  ASSERT_TRUE(wire_->Publish(FromFeed("urn:feed-b:7", "https://b.example/hospital",
                                      "Regional health officials said on Tuesday that waiting "
                                      "times at the two main hospitals had fallen for the third "
                                      "month in a row after new staff were hired for the "
                                      "emergency departments, and patients now wait less."))
                  .ok());
  auto update = wire_->Publish(FromFeed("urn:feed-b:7", "https://b.example/hospital", kWireCopy));
  ASSERT_TRUE(update.ok()) << update.status();
  EXPECT_FALSE(update->duplicate);
  EXPECT_EQ(update->id, "urn:feed-b:7");
  EXPECT_EQ(update->version, 2u);
  auto stored = store_->GetArticle("urn:feed-b:7", 0);
  ASSERT_TRUE(stored.ok());
  ASSERT_TRUE(IsNearDuplicate(stored->article));
  EXPECT_EQ(stored->article.links(stored->article.links_size() - 1).href(), "urn:feed-a:1");
}

TEST_P(WirePicksVersion, StoriesWithExplicitVersionsAreNotMerged) {
  Article a = FromFeed("urn:agency:1", "https://agency.example/tram", kWireCopy);
  a.set_version(1);
  ASSERT_TRUE(wire_->Publish(a).ok());
  Article b = FromFeed("urn:agency:2", "https://agency.example/tram", kWireCopy);
  b.set_version(1);
  auto second = wire_->Publish(b);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_FALSE(second->duplicate);
  EXPECT_EQ(store_->HeadSequence(), 2u);
}

TEST_P(WirePicksVersion, AKilledStoryIsNoOnesOriginal) {
  Article kill = FromFeed("urn:feed-a:1", "https://a.example/tram", kWireCopy);
  ASSERT_TRUE(wire_->Publish(kill).ok());
  kill.set_pub_status(v1::PUB_STATUS_CANCELED);
  ASSERT_TRUE(wire_->Publish(kill).ok());
  auto again = wire_->Publish(FromFeed("urn:feed-b:1", "https://a.example/tram", kWireCopy));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_FALSE(again->duplicate);
  EXPECT_EQ(again->id, "urn:feed-b:1");
}


TEST_P(WirePicksVersion, RacingUpdatesWithoutAVersionEachGetOneOfTheirOwn) {
  ASSERT_TRUE(wire_->Publish(Item("The vote was 31 to 4.")).ok());
  constexpr int kRacers = 6;
  constexpr int kRounds = 10;
  for (int round = 0; round < kRounds; ++round) {
    std::vector<absl::StatusOr<PublishResult>> results(kRacers, absl::UnknownError("not run"));
    std::vector<std::thread> racers;
    for (int r = 0; r < kRacers; ++r) {
      racers.emplace_back([&, r] {
        results[r] = wire_->Publish(Item(absl::StrCat("Round ", round, ": racer ", r, ".")));
      });
    }
    for (std::thread& racer : racers) racer.join();
    std::set<uint32_t> versions;
    for (const absl::StatusOr<PublishResult>& result : results) {
      ASSERT_TRUE(result.ok()) << result.status();
      EXPECT_FALSE(result->duplicate);
      versions.insert(result->version);
    }
    // One version each, following on from the round before.
    EXPECT_EQ(versions.size(), static_cast<size_t>(kRacers));
    EXPECT_EQ(*versions.begin(), static_cast<uint32_t>(2 + round * kRacers));
    EXPECT_EQ(*versions.rbegin(), static_cast<uint32_t>(1 + (round + 1) * kRacers));
  }
  EXPECT_EQ(store_->HeadSequence(), static_cast<uint64_t>(1 + kRounds * kRacers));
}

}  // namespace
}  // namespace newswire
