#include "core/hub.h"

#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "core/memory_store.h"
#include "core/wire.h"
#include "gtest/gtest.h"
#include "tests/core/subscription_reader.h"

namespace newswire {
namespace {

Article Story(int n) {
  Article a;
  a.set_headline(absl::StrCat("Story number ", n));
  a.set_body_text(absl::StrCat("Paragraph of story ", n, "."));
  return a;
}

// Sequences of the article events, and the position of CAUGHT_UP.
std::vector<uint64_t> Sequences(const std::vector<FeedEvent>& events) {
  std::vector<uint64_t> seqs;
  for (const FeedEvent& e : events) {
    if (e.has_article()) seqs.push_back(e.sequence());
  }
  return seqs;
}

std::vector<uint64_t> Range(uint64_t first, uint64_t last) {
  std::vector<uint64_t> r;
  for (uint64_t s = first; s <= last; ++s) r.push_back(s);
  return r;
}

class HubTest : public ::testing::Test {
 protected:
  void PublishStories(int first, int last) {
    for (int i = first; i <= last; ++i) ASSERT_TRUE(wire_.Publish(Story(i)).ok());
  }

  MemoryStore store_;
  Hub hub_{&store_};
  Wire wire_{&store_, &hub_};
};

TEST_F(HubTest, EarliestCatchesUpThenMarksCaughtUpThenGoesLive) {
  PublishStories(1, 5);
  Reader reader(hub_, {.start = v1::SubscribeRequest::START_EARLIEST});
  auto events = reader.ReadUntil([](const auto& ev) { return ev.size() >= 6; });
  ASSERT_EQ(events.size(), 6u);
  EXPECT_EQ(Sequences(events), Range(1, 5));
  EXPECT_EQ(events[5].kind(), v1::EVENT_KIND_CAUGHT_UP);
  EXPECT_EQ(events[5].head_sequence(), 5u);

  PublishStories(6, 7);
  events = reader.ReadArticles(7);
  EXPECT_EQ(Sequences(events), Range(1, 7));
  EXPECT_EQ(events[6].kind(), v1::EVENT_KIND_PUBLISHED);
}

TEST_F(HubTest, LatestSkipsStoredEvents) {
  PublishStories(1, 3);
  Reader reader(hub_, {.start = v1::SubscribeRequest::START_LATEST});
  auto events = reader.ReadUntil([](const auto& ev) { return !ev.empty(); });
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind(), v1::EVENT_KIND_CAUGHT_UP);
  EXPECT_EQ(events[0].head_sequence(), 3u);
  PublishStories(4, 4);
  EXPECT_EQ(Sequences(reader.ReadArticles(1)), Range(4, 4));
}

TEST_F(HubTest, AfterSequenceResumesExactlyAfterTheCursor) {
  PublishStories(1, 10);
  Reader reader(hub_, {.start = v1::SubscribeRequest::START_AFTER_SEQUENCE,
                       .after_sequence = 7});
  EXPECT_EQ(Sequences(reader.ReadArticles(3)), Range(8, 10));
  EXPECT_EQ(reader.sub().cursor(), 10u);
}

TEST_F(HubTest, CursorPastHeadIsOutOfRange) {
  PublishStories(1, 2);
  auto sub = hub_.Subscribe({.start = v1::SubscribeRequest::START_AFTER_SEQUENCE,
                             .after_sequence = 9},
                            [] {});
  EXPECT_EQ(sub.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_NE(sub.status().message().find("sequence 2"), std::string::npos) << sub.status();
}

TEST_F(HubTest, RetentionBoundsWhereASubscriptionCanStart) {
  PublishStories(1, 10);
  ASSERT_TRUE(store_.Compact({.max_events = 4}, absl::Now()).ok());  // Keeps 7..10.
  auto too_old = hub_.Subscribe({.start = v1::SubscribeRequest::START_AFTER_SEQUENCE,
                                 .after_sequence = 5},
                                [] {});
  EXPECT_EQ(too_old.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_NE(too_old.status().message().find("oldest available sequence is 7"),
            std::string::npos)
      << too_old.status();
  Reader at_edge(hub_, {.start = v1::SubscribeRequest::START_AFTER_SEQUENCE,
                        .after_sequence = 6});
  EXPECT_EQ(Sequences(at_edge.ReadArticles(4)), Range(7, 10));
  Reader earliest(hub_, {.start = v1::SubscribeRequest::START_EARLIEST});
  EXPECT_EQ(Sequences(earliest.ReadArticles(4)), Range(7, 10));
}

TEST_F(HubTest, CatchUpOvertakenByRetentionEndsWithOutOfRange) {
  PublishStories(1, 10);
  Reader reader(hub_, {.start = v1::SubscribeRequest::START_EARLIEST, .catch_up_batch = 3});
  EXPECT_EQ(Sequences(reader.ReadArticles(3)), Range(1, 3));
  ASSERT_TRUE(store_.Compact({.max_events = 2}, absl::Now()).ok());  // Keeps 9, 10.
  auto events = reader.ReadUntil([](const auto&) { return false; }, absl::Seconds(2));
  EXPECT_EQ(Sequences(events), Range(1, 3)) << "nothing after the gap";
  EXPECT_EQ(reader.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_NE(reader.status().message().find("events after sequence 3 were compacted"),
            std::string::npos)
      << reader.status();
}

TEST_F(HubTest, DuplicatePublishEmitsNothing) {
  Reader reader(hub_, {.start = v1::SubscribeRequest::START_LATEST});
  auto first = wire_.Publish(Story(1));
  auto again = wire_.Publish(Story(1));
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_FALSE(first->duplicate);
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->sequence, first->sequence);
  EXPECT_EQ(again->id, first->id);
  PublishStories(2, 2);
  EXPECT_EQ(Sequences(reader.ReadArticles(2)), (std::vector<uint64_t>{1, 2}));
}

TEST_F(HubTest, ViewsCutTheArticle) {
  Reader headline(hub_, {.start = v1::SubscribeRequest::START_LATEST});
  Reader full(hub_, {.start = v1::SubscribeRequest::START_LATEST,
                     .view = v1::ARTICLE_VIEW_FULL});
  PublishStories(1, 1);
  // The story was published after both subscribed but before either read:
  // it arrives in catch-up, ahead of CAUGHT_UP.
  const FeedEvent h = headline.ReadArticles(1).front();
  const FeedEvent f = full.ReadArticles(1).front();
  EXPECT_EQ(h.article().headline(), "Story number 1");
  EXPECT_TRUE(h.article().body_text().empty());
  EXPECT_TRUE(h.article().fingerprint().empty());
  EXPECT_EQ(f.article().body_text(), "Paragraph of story 1.");
  EXPECT_FALSE(f.article().fingerprint().empty());
}

// The hand-off from catch-up to live, raced by publishers on several
// threads: every subscriber sees 1..N exactly once, in order.
TEST_F(HubTest, NoGapOrDuplicateWhilePublishersRaceCatchUp) {
  constexpr int kPublishers = 4;
  constexpr int kPerPublisher = 500;
  constexpr int kTotal = kPublishers * kPerPublisher;
  PublishStories(1, 100);  // Something to catch up on.

  std::atomic<bool> go{false};
  std::vector<std::thread> publishers;
  for (int p = 0; p < kPublishers; ++p) {
    publishers.emplace_back([this, p, &go] {
      while (!go) std::this_thread::yield();
      for (int i = 0; i < kPerPublisher; ++i) {
        ASSERT_TRUE(wire_.Publish(Story(1000 + p * kPerPublisher + i)).ok());
      }
    });
  }
  // Subscribers start at different points while publishing is under way;
  // small catch-up batches force many catch-up steps.
  std::vector<std::vector<FeedEvent>> seen(6);
  std::vector<std::thread> subscribers;
  go = true;
  for (int s = 0; s < 6; ++s) {
    subscribers.emplace_back([this, s, &seen] {
      absl::SleepFor(absl::Milliseconds(s * 3));
      SubscriptionOptions options{.start = v1::SubscribeRequest::START_EARLIEST,
                                  .catch_up_batch = static_cast<size_t>(1 + s * 7)};
      Reader reader(hub_, options);
      seen[s] = reader.ReadUntil([](const std::vector<FeedEvent>& events) {
        // CAUGHT_UP may come after the last article, if catch-up read it.
        return Reader::ArticleCount(events) >= 100 + kTotal &&
               Reader::ArticleCount(events) < events.size();
      });
    });
  }
  for (auto& t : publishers) t.join();
  for (auto& t : subscribers) t.join();
  for (int s = 0; s < 6; ++s) {
    SCOPED_TRACE(absl::StrCat("subscriber ", s));
    EXPECT_EQ(Sequences(seen[s]), Range(1, 100 + kTotal));
    int caught_up = 0;
    for (const FeedEvent& e : seen[s]) caught_up += e.kind() == v1::EVENT_KIND_CAUGHT_UP;
    EXPECT_EQ(caught_up, 1);
  }
}

TEST_F(HubTest, SlowSubscriberFallsBackToCatchUpAndLosesNothing) {
  // A queue bound of one small event: the reader below never keeps up.
  Reader slow(hub_, {.start = v1::SubscribeRequest::START_LATEST,
                     .max_queue_bytes = 200});
  Reader fast(hub_, {.start = v1::SubscribeRequest::START_LATEST});
  // Both join live.
  slow.ReadUntil([](const auto& ev) { return !ev.empty(); });
  fast.ReadUntil([](const auto& ev) { return !ev.empty(); });
  PublishStories(1, 300);
  EXPECT_EQ(Sequences(fast.ReadArticles(300)), Range(1, 300));
  EXPECT_EQ(Sequences(slow.ReadArticles(300)), Range(1, 300));
  EXPECT_GE(slow.sub().fallbacks(), 1u);
  EXPECT_EQ(fast.sub().fallbacks(), 0u);
  PublishStories(301, 301);
  EXPECT_EQ(Sequences(slow.ReadArticles(301)), Range(1, 301));
}

// Concurrent publishers finish their appends in any order; the hub still
// delivers in sequence order.
TEST_F(HubTest, EventsPublishedOutOfOrderAreDeliveredInOrder) {
  Reader reader(hub_, {.start = v1::SubscribeRequest::START_LATEST});
  reader.ReadUntil([](const auto& ev) { return !ev.empty(); });  // Live.
  std::vector<FeedEvent> appended;
  for (int i = 1; i <= 3; ++i) {
    Article a = Story(i);
    NormalizeArticle(a);
    auto r = store_.Append(a, absl::Now());
    ASSERT_TRUE(r.ok());
    appended.push_back(r->event);
  }
  hub_.Publish(appended[2]);
  hub_.Publish(appended[1]);
  EXPECT_EQ(Reader::ArticleCount(reader.ReadUntil([](const auto&) { return false; },
                                                  absl::Milliseconds(200))),
            0u)
      << "nothing may be delivered ahead of sequence 1";
  hub_.Publish(appended[0]);
  hub_.Publish(appended[0]);  // A repeat is ignored.
  EXPECT_EQ(Sequences(reader.ReadArticles(3)), Range(1, 3));
}

TEST_F(HubTest, CloseEndsSubscriptionsAndRefusesNewOnes) {
  Reader reader(hub_, {.start = v1::SubscribeRequest::START_LATEST});
  reader.ReadUntil([](const auto& ev) { return !ev.empty(); });
  hub_.Close();
  reader.ReadUntil([](const auto&) { return false; }, absl::Seconds(2));
  EXPECT_EQ(reader.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(hub_.Subscribe({}, [] {}).status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(HubTest, DroppingASubscriptionUnregistersIt) {
  {
    Reader reader(hub_, {});
    EXPECT_EQ(hub_.subscription_count(), 1u);
  }
  EXPECT_EQ(hub_.subscription_count(), 0u);
  PublishStories(1, 1);  // Nothing left to deliver to.
}

}  // namespace
}  // namespace newswire
