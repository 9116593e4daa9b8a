// Replicas on the JetStream log (JetStreamStore) against a real nats-server
// on loopback: each replica applies the log to an archive of its own, and
// every replica must end up answering the same.
#include "core/store/jetstream_store.h"

#include <atomic>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "core/fanout/hub.h"
#include "core/model/article.h"
#include "core/store/readiness.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/core/memory_archive.h"
#include "tests/core/nats_servers.h"
#include "tests/core/story.h"
#include "tests/core/subscription_reader.h"
#include "tests/core/temp_dir.h"

namespace newswire {
namespace {

using ::testing::HasSubstr;

// A replica and the events its apply handed on.
struct Replica {
  std::unique_ptr<JetStreamStore> store;
  std::mutex mu;
  std::vector<uint64_t> delivered;
  std::atomic<int> holds{0};
};

class JetStreamStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!NatsServers::Available()) GTEST_SKIP() << "nats-server is not installed (make deps)";
    servers_ = std::make_unique<NatsServers>(1, absl::StrCat(dir_.path(), "/nats"));
    ASSERT_TRUE(servers_->ok()) << servers_->log_file(0);
  }

  JetStreamOptions LogOptions() const {
    JetStreamOptions options;
    options.servers = servers_->urls();
    return options;
  }

  // A replica on `archive` (a new one in memory by default), not started.
  std::unique_ptr<Replica> OpenReplica(std::unique_ptr<SqliteStore> archive = nullptr) {
    auto replica = std::make_unique<Replica>();
    absl::StatusOr<std::unique_ptr<JetStreamStore>> store = JetStreamStore::Open(
        archive ? std::move(archive) : NewMemoryArchive(), LogOptions());
    EXPECT_TRUE(store.ok()) << store.status();
    if (!store.ok()) return nullptr;
    replica->store = *std::move(store);
    return replica;
  }

  // Starts `replica`'s apply; its events also go to `hub` when given.
  static void Start(Replica& replica, Hub* hub = nullptr) {
    Replica* raw = &replica;
    replica.store->Start(
        [raw, hub](const FeedEvent& event) {
          {
            std::lock_guard<std::mutex> lock(raw->mu);
            raw->delivered.push_back(event.sequence());
          }
          if (hub != nullptr) hub->Publish(event);
        },
        [raw] { ++raw->holds; });
  }

  std::unique_ptr<Replica> StartReplica(std::unique_ptr<SqliteStore> archive = nullptr) {
    std::unique_ptr<Replica> replica = OpenReplica(std::move(archive));
    if (replica != nullptr) Start(*replica);
    return replica;
  }

  // Publishes stories 1 to n through `replica`.
  static void Publish(Replica& replica, int n) {
    for (int i = 1; i <= n; ++i) {
      absl::StatusOr<AppendResult> appended = replica.store->Append(
          Story(absl::StrCat("urn:s:", i), 1, absl::StrCat("Story ", i)), absl::Now());
      ASSERT_TRUE(appended.ok()) << appended.status();
    }
  }

  // Waits until `replica` applied everything the log holds now.
  void CatchUp(Replica& replica) {
    JetStreamOptions options = LogOptions();
    absl::StatusOr<std::unique_ptr<JetStreamLog>> log = JetStreamLog::Open(options);
    ASSERT_TRUE(log.ok()) << log.status();
    absl::StatusOr<JetStreamLog::Bounds> bounds = (*log)->GetBounds();
    ASSERT_TRUE(bounds.ok()) << bounds.status();
    ASSERT_TRUE(replica.store->AwaitApplied(bounds->last, absl::Seconds(20)))
        << "applied " << replica.store->AppliedPosition() << " of " << bounds->last;
  }

  // Every event of `store`, serialized.
  static std::vector<std::string> Events(const Store& store) {
    absl::StatusOr<std::vector<FeedEvent>> events = store.ReadAfter(0, 100000);
    EXPECT_TRUE(events.ok()) << events.status();
    std::vector<std::string> out;
    if (events.ok()) {
      for (const FeedEvent& event : *events) out.push_back(event.SerializeAsString());
    }
    return out;
  }

  static void ExpectSameAnswers(Replica& a, Replica& b) {
    const std::vector<std::string> events = Events(*a.store);
    EXPECT_EQ(events, Events(*b.store));
    EXPECT_EQ(a.store->HeadSequence(), b.store->HeadSequence());
    EXPECT_EQ(a.store->HeadSequence(), events.size());  // 1, 2, 3, ...: no gaps.
    v1::SearchArticlesRequest request;
    request.set_query("body");
    request.set_page_size(100);
    absl::StatusOr<v1::SearchArticlesResponse> found_a = a.store->Search(request);
    absl::StatusOr<v1::SearchArticlesResponse> found_b = b.store->Search(request);
    ASSERT_TRUE(found_a.ok() && found_b.ok());
    EXPECT_EQ(found_a->SerializeAsString(), found_b->SerializeAsString());
    std::lock_guard<std::mutex> lock_a(a.mu);
    std::lock_guard<std::mutex> lock_b(b.mu);
    EXPECT_EQ(a.delivered, b.delivered);
  }

  TempDir dir_;
  std::unique_ptr<NatsServers> servers_;
};

TEST_F(JetStreamStoreTest, ReplicasGiveEveryEventTheSameSequence) {
  std::unique_ptr<Replica> a = StartReplica();
  std::unique_ptr<Replica> b = StartReplica();
  ASSERT_TRUE(a && b);
  for (int i = 0; i < 10; ++i) {
    Replica& via = i % 2 == 0 ? *a : *b;
    absl::StatusOr<AppendResult> appended =
        via.store->Append(Story(absl::StrCat("urn:r:", i), 1, absl::StrCat("Story ", i)),
                          absl::Now());
    ASSERT_TRUE(appended.ok()) << appended.status();
    EXPECT_EQ(appended->sequence, static_cast<uint64_t>(i + 1));
    EXPECT_EQ(appended->event.kind(), v1::EVENT_KIND_PUBLISHED);
  }
  Article update = Story("urn:r:3", 2, "Story 3, updated");
  absl::StatusOr<AppendResult> updated = b->store->Append(update, absl::Now());
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->event.kind(), v1::EVENT_KIND_UPDATED);
  Article kill = Story("urn:r:4", 2, "Story 4");
  kill.set_pub_status(v1::PUB_STATUS_CANCELED);
  absl::StatusOr<AppendResult> killed = a->store->Append(kill, absl::Now());
  ASSERT_TRUE(killed.ok()) << killed.status();
  EXPECT_EQ(killed->event.kind(), v1::EVENT_KIND_KILLED);

  CatchUp(*a);
  CatchUp(*b);
  ExpectSameAnswers(*a, *b);
  EXPECT_EQ(a->store->HeadSequence(), 12u);
  absl::StatusOr<StoredArticle> got = b->store->GetArticle("urn:r:3", 0);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->article.headline(), "Story 3, updated");
}

TEST_F(JetStreamStoreTest, RepublishingIsADuplicateAndConflictsAreRefused) {
  std::unique_ptr<Replica> a = StartReplica();
  std::unique_ptr<Replica> b = StartReplica();
  ASSERT_TRUE(a && b);
  absl::StatusOr<AppendResult> first = a->store->Append(Story("urn:d", 1, "Harbour opens"),
                                                        absl::Now());
  ASSERT_TRUE(first.ok()) << first.status();
  for (Replica* via : {a.get(), b.get()}) {
    absl::StatusOr<AppendResult> again =
        via->store->Append(Story("urn:d", 1, "Harbour opens"), absl::Now());
    ASSERT_TRUE(again.ok()) << again.status();
    EXPECT_TRUE(again->duplicate);
    EXPECT_EQ(again->sequence, first->sequence);
  }
  // The same version with other content: the log refuses it (its subject
  // holds a message), with what Append on one archive would say.
  absl::StatusOr<AppendResult> other =
      b->store->Append(Story("urn:d", 1, "Harbour closes"), absl::Now());
  EXPECT_EQ(other.status().code(), absl::StatusCode::kFailedPrecondition) << other.status();
  EXPECT_THAT(other.status().message(), HasSubstr("urn:d"));
  // Version 3, then 2: the log takes 2 (its subject is empty) and every
  // replica's apply refuses it, a version lower than the current one.
  absl::StatusOr<AppendResult> three =
      a->store->Append(Story("urn:d", 3, "Harbour, later"), absl::Now());
  ASSERT_TRUE(three.ok()) << three.status();
  EXPECT_EQ(three->sequence, 2u);
  absl::StatusOr<AppendResult> lower =
      b->store->Append(Story("urn:d", 2, "Harbour, between"), absl::Now());
  EXPECT_EQ(lower.status().code(), absl::StatusCode::kFailedPrecondition) << lower.status();
  EXPECT_THAT(lower.status().message(), HasSubstr("urn:d"));
  // Nothing refused took a sequence: the next event is 3 everywhere.
  absl::StatusOr<AppendResult> next = a->store->Append(Story("urn:e", 1, "Next"), absl::Now());
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->sequence, 3u);
  CatchUp(*a);
  CatchUp(*b);
  ExpectSameAnswers(*a, *b);
}

TEST_F(JetStreamStoreTest, OfRacingUpdatesThroughTwoReplicasOneWins) {
  std::unique_ptr<Replica> a = StartReplica();
  std::unique_ptr<Replica> b = StartReplica();
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(a->store->Append(Story("urn:race", 1, "Vote count"), absl::Now()).ok());
  constexpr int kRacers = 8;
  std::atomic<int> accepted{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> racers;
  for (int r = 0; r < kRacers; ++r) {
    racers.emplace_back([&, r] {
      Replica& via = r % 2 == 0 ? *a : *b;
      absl::StatusOr<AppendResult> appended = via.store->Append(
          Story("urn:race", 2, absl::StrCat("Vote count, take ", r)), absl::Now());
      if (appended.ok() && !appended->duplicate) {
        ++accepted;
      } else if (absl::IsFailedPrecondition(appended.status())) {
        ++refused;
      } else {
        ADD_FAILURE() << appended.status();
      }
    });
  }
  for (std::thread& racer : racers) racer.join();
  EXPECT_EQ(accepted.load(), 1);
  EXPECT_EQ(refused.load(), kRacers - 1);
  CatchUp(*a);
  CatchUp(*b);
  ExpectSameAnswers(*a, *b);
  EXPECT_EQ(a->store->HeadSequence(), 2u);
}

TEST_F(JetStreamStoreTest, ARestartedReplicaGoesOnFromWhereItsArchiveLeftOff) {
  const std::string data_dir = absl::StrCat(dir_.path(), "/replica");
  std::unique_ptr<Replica> other = StartReplica();
  ASSERT_TRUE(other);
  {
    absl::StatusOr<std::unique_ptr<SqliteStore>> archive = SqliteStore::Open(data_dir);
    ASSERT_TRUE(archive.ok()) << archive.status();
    std::unique_ptr<Replica> replica = StartReplica(*std::move(archive));
    ASSERT_TRUE(replica);
    for (int i = 0; i < 5; ++i) {
      ASSERT_TRUE(replica->store->Append(Story(absl::StrCat("urn:s:", i), 1, "Before"),
                                         absl::Now())
                      .ok());
    }
  }
  // Published while that replica is down.
  for (int i = 5; i < 12; ++i) {
    ASSERT_TRUE(
        other->store->Append(Story(absl::StrCat("urn:s:", i), 1, "While down"), absl::Now())
            .ok());
  }
  absl::StatusOr<std::unique_ptr<SqliteStore>> archive = SqliteStore::Open(data_dir);
  ASSERT_TRUE(archive.ok()) << archive.status();
  EXPECT_EQ(*(*archive)->AppliedLogPosition(), 5u);
  std::unique_ptr<Replica> replica = StartReplica(*std::move(archive));
  ASSERT_TRUE(replica);
  CatchUp(*replica);
  CatchUp(*other);
  EXPECT_EQ(Events(*replica->store), Events(*other->store));
  EXPECT_EQ(replica->store->HeadSequence(), 12u);
  {
    // Its apply handed on only what it had not applied before.
    std::lock_guard<std::mutex> lock(replica->mu);
    EXPECT_EQ(replica->delivered, (std::vector<uint64_t>{6, 7, 8, 9, 10, 11, 12}));
  }
  // A publish it took before the restart, retried: a duplicate with the
  // first sequence, though this process never saw it applied.
  absl::StatusOr<AppendResult> retried =
      replica->store->Append(Story("urn:s:0", 1, "Before"), absl::Now());
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_TRUE(retried->duplicate);
  EXPECT_EQ(retried->sequence, 1u);
}

TEST_F(JetStreamStoreTest, AReplicaRefusesAStreamThatWentBackwards) {
  const std::string data_dir = absl::StrCat(dir_.path(), "/replica");
  {
    absl::StatusOr<std::unique_ptr<SqliteStore>> archive = SqliteStore::Open(data_dir);
    ASSERT_TRUE(archive.ok()) << archive.status();
    std::unique_ptr<Replica> replica = StartReplica(*std::move(archive));
    ASSERT_TRUE(replica);
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(
          replica->store->Append(Story(absl::StrCat("urn:b:", i), 1, "Story"), absl::Now()).ok());
    }
  }
  // Another, empty, stream where this one was.
  servers_.reset();
  servers_ = std::make_unique<NatsServers>(1, absl::StrCat(dir_.path(), "/nats-new"));
  ASSERT_TRUE(servers_->ok());
  absl::StatusOr<std::unique_ptr<SqliteStore>> archive = SqliteStore::Open(data_dir);
  ASSERT_TRUE(archive.ok()) << archive.status();
  absl::StatusOr<std::unique_ptr<JetStreamStore>> store =
      JetStreamStore::Open(*std::move(archive), LogOptions());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition) << store.status();
  EXPECT_THAT(store.status().message(), HasSubstr("went backwards"));
}

TEST_F(JetStreamStoreTest, AnEmbargoIsReleasedOnceAtOneSequenceEverywhere) {
  std::unique_ptr<Replica> a = StartReplica();
  std::unique_ptr<Replica> b = StartReplica();
  ASSERT_TRUE(a && b);
  Article embargoed = Story("urn:emb", 1, "Results at noon");
  const absl::Time until = absl::Now() + absl::Seconds(1);
  embargoed.mutable_embargoed_until()->set_seconds(absl::ToUnixSeconds(until) + 1);
  absl::StatusOr<AppendResult> held = a->store->Append(embargoed, absl::Now());
  ASSERT_TRUE(held.ok()) << held.status();
  EXPECT_TRUE(held->held);
  CatchUp(*b);
  absl::StatusOr<std::optional<Article>> held_b = b->store->GetHeld("urn:emb");
  ASSERT_TRUE(held_b.ok() && held_b->has_value());
  EXPECT_EQ(b->store->HeadSequence(), 0u);
  // Both replicas' embargo clocks heard of it, not only the publisher's.
  EXPECT_EQ(a->holds.load(), 1);
  EXPECT_EQ(b->holds.load(), 1);

  absl::SleepFor(absl::FromUnixSeconds(embargoed.embargoed_until().seconds()) - absl::Now() +
                 absl::Milliseconds(100));
  // Both replicas' clocks fire.
  std::vector<absl::StatusOr<AppendResult>> released_a;
  std::vector<absl::StatusOr<AppendResult>> released_b;
  std::thread fire_a([&] { released_a = a->store->ReleaseDue(absl::Now()); });
  std::thread fire_b([&] { released_b = b->store->ReleaseDue(absl::Now()); });
  fire_a.join();
  fire_b.join();
  EXPECT_EQ(released_a.size() + released_b.size(), 1u);
  for (const auto& results : {released_a, released_b}) {
    for (const absl::StatusOr<AppendResult>& result : results) {
      ASSERT_TRUE(result.ok()) << result.status();
      EXPECT_EQ(result->sequence, 1u);
      EXPECT_EQ(result->event.kind(), v1::EVENT_KIND_PUBLISHED);
    }
  }
  CatchUp(*a);
  CatchUp(*b);
  ExpectSameAnswers(*a, *b);
  EXPECT_EQ(a->store->HeadSequence(), 1u);
  EXPECT_FALSE(a->store->GetHeld("urn:emb")->has_value());
  EXPECT_FALSE(b->store->GetHeld("urn:emb")->has_value());
}


SubscriptionOptions After(uint64_t sequence) {
  SubscriptionOptions options;
  options.start = v1::SubscribeRequest::START_AFTER_SEQUENCE;
  options.after_sequence = sequence;
  return options;
}

TEST_F(JetStreamStoreTest, ACursorFromAnotherReplicaWaitsForALaggingOneAndMissesNothing) {
  std::unique_ptr<Replica> a = StartReplica();
  ASSERT_NE(a, nullptr);
  Publish(*a, 60);
  // B opens 60 positions behind and has applied nothing when a subscriber
  // arrives with A's cursor 40.
  std::unique_ptr<Replica> b = OpenReplica();
  ASSERT_NE(b, nullptr);
  Hub hub(b->store.get());
  Reader reader(hub, After(40));
  absl::StatusOr<std::vector<FrameRun>> early = reader.sub().Next(64 << 10);
  ASSERT_TRUE(early.ok()) << early.status();
  EXPECT_TRUE(early->empty());  // Waits: neither OUT_OF_RANGE nor a gap.
  Start(*b, &hub);
  std::vector<FeedEvent> events = reader.ReadUntil([](const std::vector<FeedEvent>& read) {
    return !read.empty() && read.back().kind() == v1::EVENT_KIND_CAUGHT_UP;
  });
  ASSERT_TRUE(reader.status().ok()) << reader.status();
  ASSERT_FALSE(events.empty());
  std::vector<uint64_t> expected;
  for (uint64_t s = 41; s <= 60; ++s) expected.push_back(s);
  EXPECT_EQ(Sequences(events), expected);
  // Caught up means caught up with the log as it was on arrival.
  EXPECT_EQ(events.back().kind(), v1::EVENT_KIND_CAUGHT_UP);
  EXPECT_EQ(events.back().head_sequence(), 60u);
  b->store->Stop();  // Before the hub it feeds goes.
}

TEST_F(JetStreamStoreTest, AReplicaThatDoesNotCatchUpInTimeSaysUnavailable) {
  std::unique_ptr<Replica> a = StartReplica();
  ASSERT_NE(a, nullptr);
  Publish(*a, 5);
  std::unique_ptr<Replica> b = OpenReplica();  // Never applies.
  ASSERT_NE(b, nullptr);
  HubOptions options;
  options.replica_wait = absl::Milliseconds(300);
  Hub hub(b->store.get(), options);
  for (const SubscriptionOptions& start : {After(3), SubscriptionOptions()}) {
    Reader reader(hub, start);
    reader.ReadUntil([](const std::vector<FeedEvent>&) { return false; }, absl::Seconds(5));
    EXPECT_EQ(reader.status().code(), absl::StatusCode::kUnavailable) << reader.status();
    EXPECT_THAT(reader.status().message(), HasSubstr("up to position 0 of 5"));
    EXPECT_THAT(reader.status().message(), HasSubstr("try another replica"));
  }
}

TEST_F(JetStreamStoreTest, ACursorPastTheHeadIsOutOfRangeTheSameOnEveryReplica) {
  std::unique_ptr<Replica> a = OpenReplica();
  std::unique_ptr<Replica> b = OpenReplica();
  ASSERT_TRUE(a && b);
  Hub hub_a(a->store.get());
  Hub hub_b(b->store.get());
  Start(*a, &hub_a);
  Start(*b, &hub_b);
  Publish(*a, 5);
  CatchUp(*b);
  std::vector<std::string> answers;
  for (Hub* hub : {&hub_a, &hub_b}) {
    Reader reader(*hub, After(9));
    reader.ReadUntil([](const std::vector<FeedEvent>&) { return false; }, absl::Seconds(5));
    EXPECT_EQ(reader.status().code(), absl::StatusCode::kOutOfRange) << reader.status();
    answers.push_back(std::string(reader.status().message()));
  }
  EXPECT_EQ(answers[0], answers[1]);
  EXPECT_THAT(answers[0], HasSubstr("past the newest event, sequence 5"));
  a->store->Stop();  // Before the hubs they feed go.
  b->store->Stop();
}


TEST_F(JetStreamStoreTest, RetentionIsTheClustersFurthestCutoffOnEveryReplica) {
  std::unique_ptr<Replica> a = OpenReplica();
  std::unique_ptr<Replica> b = OpenReplica();
  std::unique_ptr<Replica> c = OpenReplica();  // Lags: has applied nothing.
  ASSERT_TRUE(a && b && c);
  Hub hub_a(a->store.get());
  Hub hub_b(b->store.get());
  Start(*a, &hub_a);
  Start(*b, &hub_b);
  Publish(*a, 10);
  CatchUp(*b);
  Retention keep3;
  keep3.max_events = 3;
  absl::StatusOr<uint64_t> removed = a->store->Compact(keep3, absl::Now());
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_EQ(*removed, 7u);
  // b has no retention of its own, or keeps more: it follows the cluster.
  removed = b->store->Compact(Retention{}, absl::Now());
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_EQ(*removed, 7u);
  Retention keep5;
  keep5.max_events = 5;
  ASSERT_TRUE(b->store->Compact(keep5, absl::Now()).ok());
  EXPECT_EQ(a->store->OldestSequence(), 8u);
  EXPECT_EQ(b->store->OldestSequence(), 8u);
  std::vector<std::string> answers;
  for (Hub* hub : {&hub_a, &hub_b}) {
    absl::StatusOr<std::shared_ptr<Subscription>> sub = hub->Subscribe(After(2), [] {});
    ASSERT_FALSE(sub.ok());
    EXPECT_EQ(sub.status().code(), absl::StatusCode::kOutOfRange) << sub.status();
    answers.push_back(std::string(sub.status().message()));
  }
  EXPECT_EQ(answers[0], answers[1]);
  EXPECT_THAT(answers[0], HasSubstr("the oldest available sequence is 8"));
  // A replica behind the cutoff drops what it applied before it, once it
  // compacts after applying it.
  ASSERT_TRUE(c->store->Compact(Retention{}, absl::Now()).ok());
  EXPECT_EQ(c->store->OldestSequence(), 1u);
  Start(*c);
  CatchUp(*c);
  ASSERT_TRUE(c->store->Compact(Retention{}, absl::Now()).ok());
  EXPECT_EQ(c->store->OldestSequence(), 8u);
  absl::StatusOr<std::vector<FeedEvent>> kept = c->store->ReadAfter(0, 100);
  ASSERT_TRUE(kept.ok()) << kept.status();
  ASSERT_EQ(kept->size(), 3u);
  EXPECT_EQ(kept->front().sequence(), 8u);
  a->store->Stop();  // Before the hubs they feed go.
  b->store->Stop();
  c->store->Stop();
}

TEST_F(JetStreamStoreTest, AReplicaFarBehindTheLogIsNotReady) {
  absl::StatusOr<std::unique_ptr<JetStreamLog>> log = JetStreamLog::Open(LogOptions());
  ASSERT_TRUE(log.ok()) << log.status();
  // Messages a replica skips (not newswire's subjects) still move the log.
  const uint64_t n = kReadyLagPositions + 5;
  for (uint64_t i = 1; i <= n; ++i) {
    LogAppend append;
    append.subject = absl::StrCat("nw.other.", i);
    append.data = "x";
    ASSERT_TRUE((*log)->Append(append).ok());
  }
  std::unique_ptr<Replica> behind = OpenReplica();
  ASSERT_NE(behind, nullptr);
  const absl::Status not_ready = Readiness(*behind->store, absl::Now());
  EXPECT_EQ(not_ready.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(not_ready.message(), HasSubstr(absl::StrCat("up to position 0 of ", n)));
  Start(*behind);
  CatchUp(*behind);
  EXPECT_TRUE(Readiness(*behind->store, absl::Now()).ok());
  // Cut off from the log: not ready once the head is too long unseen.
  EXPECT_THAT(Readiness(*behind->store, absl::Now() + kReadyHeadAge + absl::Seconds(1)).message(),
              HasSubstr("has not been reached"));
  // A store that is its own truth always is.
  EXPECT_TRUE(Readiness(behind->store->local(), absl::Now() + absl::Hours(1)).ok());
}


TEST_F(JetStreamStoreTest, AnArticleOverTheServersMaxPayloadIsRefusedNamingIt) {
  std::unique_ptr<Replica> replica = StartReplica();
  ASSERT_NE(replica, nullptr);
  Article big = Story("urn:big", 1, "A long read");
  big.set_body_text(std::string(1200 * 1024, 'x'));  // nats-server takes 1 MB by default.
  absl::StatusOr<AppendResult> refused = replica->store->Append(big, absl::Now());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << refused.status();
  EXPECT_THAT(refused.status().message(), HasSubstr("article \"urn:big\" version 1 is 12"));
  EXPECT_THAT(refused.status().message(), HasSubstr("max_payload"));
  absl::StatusOr<AppendResult> next = replica->store->Append(Story("urn:small", 1, "Brief"),
                                                             absl::Now());
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->sequence, 1u);
}

}  // namespace
}  // namespace newswire
