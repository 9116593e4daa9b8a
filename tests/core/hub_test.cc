#include "core/fanout/hub.h"

#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "core/store/sqlite_store.h"
#include "core/publish/wire.h"
#include "gtest/gtest.h"
#include "tests/core/memory_archive.h"
#include "tests/core/subscription_reader.h"
#include "tests/core/temp_dir.h"

namespace newswire {
namespace {

Article Story(int n) {
  Article a;
  a.set_headline(absl::StrCat("Story number ", n));
  a.set_body_text(absl::StrCat("Paragraph of story ", n, "."));
  return a;
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

  const std::unique_ptr<SqliteStore> archive_ = NewMemoryArchive();
  SqliteStore& store_ = *archive_;
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

// An event larger than the whole queue bound (a large article with a small
// --subscriber-queue-mb) reaches live subscribers of every view, through
// catch-up where it must, and the hub goes on.
TEST(HubLargeEvents, AnEventOverTheQueueBoundReachesEveryView) {
  const std::unique_ptr<SqliteStore> archive = NewMemoryArchive();
  Hub hub(archive.get(), HubOptions{.max_queue_bytes = 4096});
  Wire wire(archive.get(), &hub);
  Reader headline(hub, {.start = v1::SubscribeRequest::START_LATEST});
  Reader full(hub, {.start = v1::SubscribeRequest::START_LATEST,
                    .view = v1::ARTICLE_VIEW_FULL});
  headline.ReadUntil([](const auto& ev) { return !ev.empty(); });
  full.ReadUntil([](const auto& ev) { return !ev.empty(); });
  for (int i = 1; i <= 20; ++i) {
    Article big = Story(i);
    big.set_body_text(std::string(10000 + i, 'x'));  // Over the bound, in FULL view.
    ASSERT_TRUE(wire.Publish(big).ok());
  }
  EXPECT_EQ(Sequences(full.ReadArticles(20)), Range(1, 20));
  EXPECT_EQ(Sequences(headline.ReadArticles(20)), Range(1, 20));
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


// --- Issue 4: start positions, versions, kills, heartbeats, limits -------

Article Version(const std::string& id, uint32_t version, const std::string& place,
                v1::PubStatus status = v1::PUB_STATUS_USABLE) {
  Article a;
  a.set_id(id);
  a.set_version(version);
  a.set_pub_status(status);
  a.set_headline(absl::StrCat(id, " version ", version));
  a.set_body_text("Text.");
  if (!place.empty()) a.add_places()->set_name(place);
  return a;
}

std::vector<v1::EventKind> Kinds(const std::vector<FeedEvent>& events) {
  std::vector<v1::EventKind> kinds;
  for (const FeedEvent& e : events) kinds.push_back(e.kind());
  return kinds;
}

TEST_F(HubTest, CaughtUpComesOnceRightAfterTheLastCatchUpEvent) {
  PublishStories(1, 600);  // Several catch-up batches.
  Reader reader(hub_, {.start = v1::SubscribeRequest::START_EARLIEST, .catch_up_batch = 128});
  auto events = reader.ReadUntil([](const auto& ev) {
    return !ev.empty() && ev.back().kind() == v1::EVENT_KIND_CAUGHT_UP;
  });
  ASSERT_EQ(events.size(), 601u);
  EXPECT_EQ(events.back().head_sequence(), 600u);
  PublishStories(601, 610);
  events = reader.ReadArticles(610);
  EXPECT_EQ(Sequences(events), Range(1, 610));
  int caught_up = 0;
  for (const FeedEvent& e : events) caught_up += e.kind() == v1::EVENT_KIND_CAUGHT_UP;
  EXPECT_EQ(caught_up, 1);
}

TEST_F(HubTest, CatchUpSendsTheCurrentVersionUnlessEveryVersionIsAsked) {
  ASSERT_TRUE(wire_.Publish(Version("urn:v:a", 1, "")).ok());        // 1
  ASSERT_TRUE(wire_.Publish(Version("urn:v:b", 1, "")).ok());        // 2
  ASSERT_TRUE(wire_.Publish(Version("urn:v:a", 2, "")).ok());        // 3
  ASSERT_TRUE(wire_.Publish(Version("urn:v:a", 3, "")).ok());        // 4
  ASSERT_TRUE(wire_.Publish(Version("urn:v:b", 2, "", v1::PUB_STATUS_CANCELED)).ok());  // 5
  auto caught_up = [](const auto& ev) {
    return !ev.empty() && ev.back().kind() == v1::EVENT_KIND_CAUGHT_UP;
  };
  Reader current(hub_, {.start = v1::SubscribeRequest::START_EARLIEST});
  EXPECT_EQ(Sequences(current.ReadUntil(caught_up)), (std::vector<uint64_t>{4, 5}));
  Reader every(hub_, {.start = v1::SubscribeRequest::START_EARLIEST, .every_version = true});
  EXPECT_EQ(Sequences(every.ReadUntil(caught_up)), Range(1, 5));
  // Live, every version comes.
  ASSERT_TRUE(wire_.Publish(Version("urn:v:a", 4, "")).ok());
  ASSERT_TRUE(wire_.Publish(Version("urn:v:a", 5, "")).ok());
  EXPECT_EQ(Sequences(current.ReadArticles(4)), (std::vector<uint64_t>{4, 5, 6, 7}));
}

TEST_F(HubTest, KillsAndUpdatesReachEveryoneAnEarlierVersionMatched) {
  Reader kyiv(hub_, {.start = v1::SubscribeRequest::START_LATEST,
                     .filter = [] { v1::Filter f; f.add_places("Kyiv"); return f; }()});
  Reader lviv(hub_, {.start = v1::SubscribeRequest::START_LATEST,
                     .filter = [] { v1::Filter f; f.add_places("Lviv"); return f; }()});
  kyiv.Drain();
  lviv.Drain();
  ASSERT_TRUE(wire_.Publish(Version("urn:k:1", 1, "Kyiv")).ok());   // 1
  ASSERT_TRUE(wire_.Publish(Version("urn:k:1", 2, "Lviv")).ok());   // 2: moved
  ASSERT_TRUE(wire_.Publish(Version("urn:k:1", 3, "", v1::PUB_STATUS_CANCELED)).ok());  // 3
  ASSERT_TRUE(wire_.Publish(Version("urn:k:2", 1, "Paris")).ok());  // 4: neither
  EXPECT_EQ(Kinds(kyiv.Drain()),
            (std::vector<v1::EventKind>{v1::EVENT_KIND_CAUGHT_UP, v1::EVENT_KIND_PUBLISHED,
                                        v1::EVENT_KIND_UPDATED, v1::EVENT_KIND_KILLED}));
  EXPECT_EQ(Sequences(lviv.Drain()), (std::vector<uint64_t>{2, 3}));
  // The same from the archive: the kill is the current version, and the
  // Kyiv subscriber gets it although only version 1 named Kyiv.
  Reader late(hub_, {.start = v1::SubscribeRequest::START_EARLIEST,
                     .filter = [] { v1::Filter f; f.add_places("kyiv"); return f; }()});
  EXPECT_EQ(Sequences(late.ReadUntil([](const auto& ev) {
              return !ev.empty() && ev.back().kind() == v1::EVENT_KIND_CAUGHT_UP;
            })),
            (std::vector<uint64_t>{3}));
}

// Five stories published ten minutes apart from kT0, on a fake clock.
class HubSince : public ::testing::Test {
 protected:
  static constexpr absl::Time kT0 = absl::FromUnixSeconds(1732000000);
  void SetUp() override {
    for (int i = 1; i <= 5; ++i) {
      ASSERT_TRUE(wire.Publish(Story(i)).ok());
      now += absl::Minutes(10);
    }
  }
  const std::unique_ptr<SqliteStore> archive = NewMemoryArchive();
  SqliteStore& store = *archive;
  Hub hub{&store};
  absl::Time now = kT0;
  Wire wire{&store, &hub, [this] { return now; }};
};

TEST_F(HubSince, StartsAtTheFirstEventPublishedSinceTheTime) {
  Reader reader(hub, {.start = v1::SubscribeRequest::START_SINCE,
                      .since = kT0 + absl::Minutes(15)});
  EXPECT_EQ(Sequences(reader.ReadArticles(3)), Range(3, 5));
  Reader future(hub, {.start = v1::SubscribeRequest::START_SINCE, .since = now + absl::Hours(1)});
  auto events = future.ReadUntil([](const auto& ev) { return !ev.empty(); });
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind(), v1::EVENT_KIND_CAUGHT_UP);
  EXPECT_EQ(hub.Subscribe({.start = v1::SubscribeRequest::START_SINCE}, [] {}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(HubSinceArchive, WorksAcrossARestart) {
  TempDir dir;
  const absl::Time t0 = absl::FromUnixSeconds(1732000000);
  for (int round = 0; round < 2; ++round) {
    auto store = SqliteStore::Open(dir.path());
    ASSERT_TRUE(store.ok()) << store.status();
    Hub hub(store->get());
    absl::Time now = t0 + absl::Hours(round);
    Wire wire(store->get(), &hub, [&now] { return now; });
    for (int i = 1; i <= 3; ++i) {
      ASSERT_TRUE(wire.Publish(Story(round * 10 + i)).ok());
      now += absl::Minutes(10);
    }
  }
  auto store = SqliteStore::Open(dir.path());
  ASSERT_TRUE(store.ok()) << store.status();
  Hub hub(store->get());
  // Since 10 minutes into the second run: its 2nd and 3rd events.
  Reader reader(hub, {.start = v1::SubscribeRequest::START_SINCE,
                      .since = t0 + absl::Hours(1) + absl::Minutes(10)});
  EXPECT_EQ(Sequences(reader.ReadArticles(2)), Range(5, 6));
  EXPECT_EQ(reader.ReadUntil([](const auto& ev) { return ev.size() >= 3; }).back().kind(),
            v1::EVENT_KIND_CAUGHT_UP);
}

TEST_F(HubSince, RetentionThatMayHaveCompactedTheStartIsOutOfRange) {
  ASSERT_TRUE(store.Compact({.max_events = 3}, now).ok());  // Keeps 3..5.
  auto gone = hub.Subscribe({.start = v1::SubscribeRequest::START_SINCE,
                             .since = kT0},
                            [] {});
  EXPECT_EQ(gone.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_NE(gone.status().message().find("oldest available sequence is 3"), std::string::npos)
      << gone.status();
  Reader kept(hub, {.start = v1::SubscribeRequest::START_SINCE,
                    .since = kT0 + absl::Minutes(25)});
  EXPECT_EQ(Sequences(kept.ReadArticles(2)), Range(4, 5));
}

TEST_F(HubTest, HeartbeatsCarryTheHeadWhileIdle) {
  Reader idle(hub_, {.start = v1::SubscribeRequest::START_LATEST,
                     .filter = [] { v1::Filter f; f.add_places("Nowhere"); return f; }(),
                     .heartbeat = absl::Seconds(1)});
  idle.Drain();
  PublishStories(1, 3);  // Filtered out, but the head moves.
  const absl::Time start = absl::Now();
  auto events = idle.ReadUntil([](const auto& ev) { return ev.size() >= 3; }, absl::Seconds(10));
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].kind(), v1::EVENT_KIND_CAUGHT_UP);
  EXPECT_EQ(events[1].kind(), v1::EVENT_KIND_HEARTBEAT);
  EXPECT_EQ(events[1].head_sequence(), 3u);
  EXPECT_EQ(events[2].kind(), v1::EVENT_KIND_HEARTBEAT);
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(1500));  // About one a second.
  for (absl::Duration bad : {absl::Milliseconds(500), absl::Minutes(6)}) {
    auto refused = hub_.Subscribe({.heartbeat = bad}, [] {});
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(refused.status().message().find("heartbeat_interval"), std::string::npos);
  }
}

TEST(HubLimits, SubscriptionsPerServerAndPerClientAreBounded) {
  auto archive = NewMemoryArchive();
  SqliteStore& store = *archive;
  Hub hub(&store, {.max_subscriptions = 3, .max_subscriptions_per_client = 2});
  auto a1 = hub.Subscribe({.client = "a"}, [] {});
  auto a2 = hub.Subscribe({.client = "a"}, [] {});
  ASSERT_TRUE(a1.ok() && a2.ok());
  auto a3 = hub.Subscribe({.client = "a"}, [] {});
  EXPECT_EQ(a3.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(a3.status().message().find("client a"), std::string::npos) << a3.status();
  auto b1 = hub.Subscribe({.client = "b"}, [] {});
  ASSERT_TRUE(b1.ok());
  auto b2 = hub.Subscribe({.client = "b"}, [] {});
  EXPECT_EQ(b2.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(b2.status().message().find("server"), std::string::npos) << b2.status();
  a1->reset();  // A place frees up.
  EXPECT_TRUE(hub.Subscribe({.client = "a"}, [] {}).ok());
}

TEST_F(HubTest, BadFiltersAreRefusedNamingTheField) {
  v1::Filter f;
  f.set_query("drones OR");
  auto refused = hub_.Subscribe({.filter = f}, [] {});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("filter.query"), std::string::npos);
}

}  // namespace
}  // namespace newswire
