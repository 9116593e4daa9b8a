// The service end to end: a real server on a loopback port, real clients.
#include <atomic>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "service/client.h"
#include "service/server.h"
#include "tests/core/temp_dir.h"
#include "tests/service/loopback.h"

namespace newswire {
namespace {

Article Story(int n) {
  Article a;
  a.set_headline(absl::StrCat("Harbour report ", n));
  a.set_dateline("PORTO, Portugal");
  a.set_body_text(absl::StrCat("Ships in port today: ", n, ".\n\nMore tomorrow."));
  return a;
}

v1::SubscribeRequest From(v1::SubscribeRequest::Start start, uint64_t after = 0) {
  v1::SubscribeRequest request;
  request.set_start(start);
  request.set_after_sequence(after);
  return request;
}

// Reads article events until `n` arrived (skipping CAUGHT_UP).
std::vector<v1::FeedEvent> ReadArticles(EventStream& stream, size_t n) {
  std::vector<v1::FeedEvent> out;
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (out.size() < n && absl::Now() < deadline) {
    auto event = stream.Next(absl::Milliseconds(200));
    if (!event.ok()) {
      ADD_FAILURE() << "stream ended: " << event.status();
      break;
    }
    if (event->has_value() && (*event)->has_article()) out.push_back(**event);
  }
  return out;
}

// Reads `stream` until it ends, expecting its article events to follow
// sequence `after` one by one, no gap, no duplicate. Returns the last
// sequence read and the status the stream ended with.
std::pair<uint64_t, absl::Status> ReadToEnd(EventStream& stream, uint64_t after) {
  uint64_t last = after;
  absl::StatusOr<std::optional<v1::FeedEvent>> event;
  while ((event = stream.Next(absl::Seconds(10))).ok() && event->has_value()) {
    if (!(*event)->has_article()) continue;
    EXPECT_EQ((*event)->sequence(), last + 1);
    if ((*event)->sequence() != last + 1) return {last, absl::InternalError("out of order")};
    last = (*event)->sequence();
  }
  return {last, event.ok() ? absl::DeadlineExceededError("no end in 10 s") : event.status()};
}

// Waits for the CAUGHT_UP event: after it, the subscription is live.
void AwaitCaughtUp(EventStream& stream) {
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (absl::Now() < deadline) {
    auto event = stream.Next(absl::Milliseconds(200));
    ASSERT_TRUE(event.ok()) << event.status();
    if (event->has_value() && (*event)->kind() == v1::EVENT_KIND_CAUGHT_UP) return;
  }
  FAIL() << "no CAUGHT_UP";
}

// Every test runs on a server without a data dir (its archive in memory),
// on one with an archive file, and on a replica of a JetStream log (a
// nats-server of its own, the replica's archive in a file).
class FeedServiceTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::optional<ServerOptions> options = StoreOptions(GetParam(), dir_.path(), nats_);
    if (!options) GTEST_SKIP() << "nats-server is not installed (make deps)";
    auto server = Server::Start(*options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    client_ = std::make_unique<Client>(server_->address());
  }

  TempDir dir_;
  std::unique_ptr<NatsServers> nats_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<Client> client_;
};

INSTANTIATE_TEST_SUITE_P(AllStores, FeedServiceTest, kEveryStore,
                         [](const auto& info) { return info.param; });

TEST_P(FeedServiceTest, ListensOnAFreeLoopbackPort) {
  EXPECT_GT(server_->port(), 0);
  EXPECT_EQ(server_->address(), absl::StrCat("127.0.0.1:", server_->port()));
}

TEST_P(FeedServiceTest, TwoSubscribersBothReceiveAPublish) {
  auto a = client_->Subscribe(From(v1::SubscribeRequest::START_LATEST));
  auto b = client_->Subscribe(From(v1::SubscribeRequest::START_LATEST));
  AwaitCaughtUp(*a);
  AwaitCaughtUp(*b);
  auto published = client_->Publish(Story(1));
  ASSERT_TRUE(published.ok()) << published.status();
  EXPECT_EQ(published->sequence, 1u);
  for (EventStream* stream : {a.get(), b.get()}) {
    auto events = ReadArticles(*stream, 1);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].sequence(), 1u);
    EXPECT_EQ(events[0].kind(), v1::EVENT_KIND_PUBLISHED);
    EXPECT_EQ(events[0].article().headline(), "Harbour report 1");
    EXPECT_EQ(events[0].article().id(), published->id);
    EXPECT_TRUE(events[0].article().body_text().empty());  // HEADLINE view.
  }
}

TEST_P(FeedServiceTest, ResumeAfterSequenceGetsExactlyTheMissedEvents) {
  uint64_t cursor = 0;
  {
    auto stream = client_->Subscribe(From(v1::SubscribeRequest::START_EARLIEST));
    for (int i = 1; i <= 3; ++i) ASSERT_TRUE(client_->Publish(Story(i)).ok());
    auto events = ReadArticles(*stream, 3);
    ASSERT_EQ(events.size(), 3u);
    cursor = events.back().sequence();
  }  // Disconnected.
  for (int i = 4; i <= 8; ++i) ASSERT_TRUE(client_->Publish(Story(i)).ok());

  auto resumed =
      client_->Subscribe(From(v1::SubscribeRequest::START_AFTER_SEQUENCE, cursor));
  auto events = ReadArticles(*resumed, 5);
  ASSERT_EQ(events.size(), 5u);
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].sequence(), cursor + 1 + i);
    EXPECT_EQ(events[i].article().headline(), absl::StrCat("Harbour report ", 4 + i));
  }
  // And then live, with nothing repeated.
  ASSERT_TRUE(client_->Publish(Story(9)).ok());
  auto live = ReadArticles(*resumed, 1);
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].sequence(), 9u);
}

TEST_P(FeedServiceTest, PublishIsIdempotent) {
  auto first = client_->Publish(Story(1));
  auto again = client_->Publish(Story(1));
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_FALSE(first->duplicate);
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->sequence, first->sequence);
  EXPECT_EQ(again->id, first->id);
  EXPECT_EQ(first->id.rfind("urn:newswire:", 0), 0u);
}

TEST_P(FeedServiceTest, BadArticleIsInvalidArgumentNamingTheFieldAndStoresNothing) {
  ASSERT_TRUE(client_->Publish(Story(1)).ok());
  Article bad = Story(2);
  bad.set_urgency(12);
  auto result = client_->Publish(bad);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(result.status().message().find("urgency"), std::string::npos);
  Article headless;
  headless.set_body_text("No headline here.");
  EXPECT_EQ(client_->Publish(headless).status().code(),
            absl::StatusCode::kInvalidArgument);
  // What was stored before is still there, and nothing else.
  auto next = client_->Publish(Story(3));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->sequence, 2u);
}

TEST_P(FeedServiceTest, GetArticleReturnsTheFullArticle) {
  auto published = client_->Publish(Story(7));
  ASSERT_TRUE(published.ok());
  auto got = client_->Get(published->id);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->article().headline(), "Harbour report 7");
  EXPECT_EQ(got->article().body_text(), "Ships in port today: 7.\n\nMore tomorrow.");
  EXPECT_EQ(got->sequence(), published->sequence);
  EXPECT_TRUE(got->article().has_first_created());

  auto missing = client_->Get("urn:newswire:nope");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
}

TEST_P(FeedServiceTest, CursorPastHeadIsOutOfRange) {
  auto stream = client_->Subscribe(From(v1::SubscribeRequest::START_AFTER_SEQUENCE, 50));
  auto event = stream->Next(absl::Seconds(10));
  EXPECT_EQ(event.status().code(), absl::StatusCode::kOutOfRange);
}

TEST_P(FeedServiceTest, SearchFindsPublishedArticles) {
  ASSERT_TRUE(client_->Publish(Story(1)).ok());
  v1::SearchArticlesRequest request;
  request.set_query("harbour report");
  auto found = client_->Search(request);
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->hits_size(), 1);
  EXPECT_EQ(found->hits(0).article().headline(), "Harbour report 1");
  request.set_query("\"unclosed");
  EXPECT_EQ(client_->Search(request).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(FeedServiceTest, ShutdownEndsOpenStreamsWithUnavailable) {
  auto stream = client_->Subscribe(From(v1::SubscribeRequest::START_LATEST));
  AwaitCaughtUp(*stream);
  std::thread stopper([this] { server_->Shutdown(); });
  absl::StatusOr<std::optional<v1::FeedEvent>> event;
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  do {
    event = stream->Next(absl::Milliseconds(200));
  } while (event.ok() && absl::Now() < deadline);
  stopper.join();
  EXPECT_EQ(event.status().code(), absl::StatusCode::kUnavailable) << event.status();
}

// Shutdown ends every stream whatever it is doing, while events keep coming:
// streams being read (writes completing one after another), streams whose
// reader stopped (a write stuck on a full connection, the hub falling them
// back to catch-up) and streams whose client went away mid-write. Each read
// stream saw its events in order, no gap, and then UNAVAILABLE; shutdown
// returns; under ASan nothing leaks or is used after free.
TEST_P(FeedServiceTest, ShutdownEndsStreamsInEveryStateWhilePublishing) {
  std::atomic<bool> publishing{true};
  std::thread publisher([&] {
    for (int i = 0; publishing; ++i) (void)server_->wire().Publish(Story(i));
  });
  std::vector<std::unique_ptr<EventStream>> read, stalled;
  for (int i = 0; i < 6; ++i) {
    read.push_back(client_->Subscribe(From(v1::SubscribeRequest::START_EARLIEST)));
    stalled.push_back(client_->Subscribe(From(v1::SubscribeRequest::START_EARLIEST)));
    auto gone = client_->Subscribe(From(v1::SubscribeRequest::START_LATEST));
    (void)gone->Next(absl::Milliseconds(20));
  }  // Each `gone` stream is cancelled here, probably mid-write.
  for (auto& stream : read) ASSERT_EQ(ReadArticles(*stream, 200).size(), 200u);
  server_->Shutdown(absl::Seconds(1));
  publishing = false;
  publisher.join();
  for (auto& stream : read) {
    const absl::Status end = ReadToEnd(*stream, 200).second;
    EXPECT_EQ(end.code(), absl::StatusCode::kUnavailable) << end;
  }
  for (auto& stream : stalled) {
    const absl::Status end = ReadToEnd(*stream, 0).second;
    EXPECT_FALSE(end.ok()) << "a stalled stream did not end";
    EXPECT_FALSE(absl::IsDeadlineExceeded(end)) << "a stalled stream did not end";
  }
}

// A client that stopped reading (its read-ahead full, so it reads no more)
// while the server went away still gets every event it had, in order, then
// UNAVAILABLE; one dropped while paused ends at once.
TEST_P(FeedServiceTest, APausedClientOutlivesTheServer) {
  auto paused = client_->Subscribe(From(v1::SubscribeRequest::START_LATEST));
  auto dropped = client_->Subscribe(From(v1::SubscribeRequest::START_LATEST));
  AwaitCaughtUp(*paused);
  AwaitCaughtUp(*dropped);
  constexpr int kEvents = 6000;  // More than the client reads ahead.
  for (int i = 0; i < kEvents; ++i) ASSERT_TRUE(server_->wire().Publish(Story(i)).ok());
  absl::SleepFor(absl::Milliseconds(300));  // Both fill their read-ahead and pause.
  server_->Shutdown(absl::Milliseconds(500));
  dropped.reset();
  const auto [last, end] = ReadToEnd(*paused, 0);
  EXPECT_GT(last, 0u);
  EXPECT_TRUE(absl::IsUnavailable(end) || absl::IsCancelled(end)) << end;
}

TEST_P(FeedServiceTest, ManySubscribersAndPublishersSeeEveryEventInOrder) {
  constexpr int kSubscribers = 8;
  constexpr int kEvents = 400;
  std::vector<std::unique_ptr<EventStream>> streams;
  for (int i = 0; i < kSubscribers; ++i) {
    streams.push_back(client_->Subscribe(From(v1::SubscribeRequest::START_EARLIEST)));
  }
  std::vector<std::thread> publishers;
  for (int p = 0; p < 4; ++p) {
    publishers.emplace_back([this, p] {
      Client client(server_->address());
      for (int i = 0; i < kEvents / 4; ++i) {
        ASSERT_TRUE(client.Publish(Story(p * 1000 + i)).ok());
      }
    });
  }
  for (auto& t : publishers) t.join();
  for (auto& stream : streams) {
    auto events = ReadArticles(*stream, kEvents);
    ASSERT_EQ(events.size(), static_cast<size_t>(kEvents));
    for (int i = 0; i < kEvents; ++i) EXPECT_EQ(events[i].sequence(), i + 1u);
  }
}

TEST(FeedServiceRestart, SequencesAndArticlesSurviveARestart) {
  TempDir dir;
  std::string id;
  {
    auto server = Server::Start(LoopbackOptions(dir.path()));
    ASSERT_TRUE(server.ok()) << server.status();
    Client client((*server)->address());
    for (int i = 1; i <= 3; ++i) ASSERT_TRUE(client.Publish(Story(i)).ok());
    id = client.Publish(Story(4))->id;
  }
  auto server = Server::Start(LoopbackOptions(dir.path()));
  ASSERT_TRUE(server.ok()) << server.status();
  Client client((*server)->address());
  EXPECT_EQ(client.Get(id)->article().headline(), "Harbour report 4");
  auto resumed = client.Subscribe(From(v1::SubscribeRequest::START_AFTER_SEQUENCE, 2));
  auto published = client.Publish(Story(5));
  ASSERT_TRUE(published.ok());
  EXPECT_EQ(published->sequence, 5u);
  auto events = ReadArticles(*resumed, 3);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].sequence(), 3u);
  EXPECT_EQ(events[2].sequence(), 5u);
}

TEST(FeedServiceRetention, CompactedCursorGetsOutOfRangeNamingTheOldest) {
  TempDir dir;
  ServerOptions options = LoopbackOptions(dir.path());
  options.retention.max_events = 3;
  options.compact_interval = absl::Milliseconds(20);
  auto server = Server::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  Client client((*server)->address());
  for (int i = 1; i <= 10; ++i) ASSERT_TRUE(client.Publish(Story(i)).ok());
  // The server compacts on its own.
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while ((*server)->store().OldestSequence() < 8 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  ASSERT_EQ((*server)->store().OldestSequence(), 8u);

  auto stale = client.Subscribe(From(v1::SubscribeRequest::START_AFTER_SEQUENCE, 2));
  auto event = stale->Next(absl::Seconds(10));
  EXPECT_EQ(event.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_NE(event.status().message().find("oldest available sequence is 8"),
            std::string::npos)
      << event.status();
  auto fresh = client.Subscribe(From(v1::SubscribeRequest::START_EARLIEST));
  auto events = ReadArticles(*fresh, 3);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].sequence(), 8u);
  // Articles outlive their events.
  EXPECT_TRUE(client.Get(client.Publish(Story(1))->id).ok());
}

TEST(FeedServiceRetention, EveryReplicaCompactsToTheClustersCutoff) {
  if (!NatsServers::Available()) GTEST_SKIP() << "nats-server is not installed (make deps)";
  TempDir dir;
  NatsServers nats(1, absl::StrCat(dir.path(), "/nats"));
  ASSERT_TRUE(nats.ok()) << nats.log_file(0);
  ServerOptions keeps3 = LoopbackOptions(absl::StrCat(dir.path(), "/a"));
  keeps3.log.servers = nats.urls();
  keeps3.retention.max_events = 3;
  keeps3.compact_interval = absl::Milliseconds(20);
  // No retention of its own: it follows the cluster's.
  ServerOptions follows = LoopbackOptions(absl::StrCat(dir.path(), "/b"));
  follows.log.servers = nats.urls();
  follows.compact_interval = absl::Milliseconds(20);
  auto a = Server::Start(keeps3);
  ASSERT_TRUE(a.ok()) << a.status();
  auto b = Server::Start(follows);
  ASSERT_TRUE(b.ok()) << b.status();
  Client client((*a)->address());
  for (int i = 1; i <= 10; ++i) ASSERT_TRUE(client.Publish(Story(i)).ok());
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (((*a)->store().OldestSequence() < 8 || (*b)->store().OldestSequence() < 8) &&
         absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_EQ((*a)->store().OldestSequence(), 8u);
  EXPECT_EQ((*b)->store().OldestSequence(), 8u);
  Client through_b((*b)->address());
  auto stale = through_b.Subscribe(From(v1::SubscribeRequest::START_AFTER_SEQUENCE, 2));
  auto event = stale->Next(absl::Seconds(10));
  EXPECT_EQ(event.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_NE(event.status().message().find("oldest available sequence is 8"),
            std::string::npos)
      << event.status();
}

TEST(FeedServiceFullDisk, PublishFailsReadsGoOnNothingAcknowledgedIsLost) {
  TempDir dir;
  ServerOptions options = LoopbackOptions(dir.path());
  options.archive.max_archive_bytes = 256 << 10;
  auto server = Server::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  Client client((*server)->address());
  auto live = client.Subscribe(From(v1::SubscribeRequest::START_LATEST));
  AwaitCaughtUp(*live);
  std::vector<std::string> acked;
  absl::Status failure;
  for (int i = 1; i <= 1000 && failure.ok(); ++i) {
    Article a = Story(i);
    a.set_body_text(std::string(4000, 'w') + absl::StrCat(" ", i));
    auto r = client.Publish(a);
    if (r.ok()) {
      acked.push_back(r->id);
    } else {
      failure = r.status();
    }
  }
  EXPECT_EQ(failure.code(), absl::StatusCode::kResourceExhausted) << failure;
  ASSERT_FALSE(acked.empty());
  // Reads go on: every acknowledged article, and the live stream saw each.
  for (const std::string& id : acked) EXPECT_TRUE(client.Get(id).ok()) << id;
  EXPECT_EQ(ReadArticles(*live, acked.size()).size(), acked.size());
  auto replay = client.Subscribe(From(v1::SubscribeRequest::START_EARLIEST));
  EXPECT_EQ(ReadArticles(*replay, acked.size()).size(), acked.size());
}

TEST(FeedServiceRestart, ALockedDataDirIsRefusedAtStart) {
  TempDir dir;
  auto first = Server::Start(LoopbackOptions(dir.path()));
  ASSERT_TRUE(first.ok());
  auto second = Server::Start(LoopbackOptions(dir.path()));
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace newswire
