// The client's Subscribe stream, which has no thread of its own: whoever
// asks for events reads them. Cancelling from another thread, waiting on one
// thread and taking on another (what newswire.aio does), and a server that
// is not there.
#include <memory>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "service/client.h"
#include "service/server.h"
#include "tests/service/loopback.h"

namespace newswire {
namespace {

class EventStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = Server::Start(LoopbackOptions());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    client_ = std::make_unique<Client>(server_->address());
  }

  void PublishStories(int n) {
    for (int i = 1; i <= n; ++i) {
      Article a;
      a.set_headline(absl::StrCat("Tide table ", i));
      a.set_body_text(absl::StrCat("High water at ", i, " o'clock."));
      ASSERT_TRUE(client_->Publish(a).ok());
    }
  }

  static v1::SubscribeRequest FromStart() {
    v1::SubscribeRequest request;
    request.set_start(v1::SubscribeRequest::START_EARLIEST);
    return request;
  }

  std::unique_ptr<Server> server_;
  std::unique_ptr<Client> client_;
};

TEST_F(EventStreamTest, CancelFromAnotherThreadEndsAWaitingRead) {
  auto stream = client_->Subscribe(FromStart());
  // CAUGHT_UP of the empty feed, then nothing comes.
  auto caught_up = stream->Next(absl::Seconds(10));
  ASSERT_TRUE(caught_up.ok()) << caught_up.status();
  ASSERT_TRUE(caught_up->has_value());
  EXPECT_EQ((*caught_up)->kind(), v1::EVENT_KIND_CAUGHT_UP);

  std::thread canceller([&] {
    absl::SleepFor(absl::Milliseconds(300));
    stream->Cancel();
  });
  const absl::Time start = absl::Now();
  auto next = stream->Next(absl::Seconds(60));
  const absl::Duration waited = absl::Now() - start;
  canceller.join();
  EXPECT_EQ(next.status().code(), absl::StatusCode::kCancelled) << next.status();
  EXPECT_LT(waited, absl::Seconds(10)) << "Cancel did not wake the reading thread";
  // Ended for good, and again at once.
  EXPECT_EQ(stream->Next(absl::Seconds(60)).status().code(), absl::StatusCode::kCancelled);
}

TEST_F(EventStreamTest, WaitOnOneThreadTakeOnAnother) {
  PublishStories(50);
  auto stream = client_->Subscribe(FromStart());
  size_t taken = 0;
  while (taken < 51) {  // 50 stories and CAUGHT_UP.
    bool ready = false;
    std::thread waiter([&] { ready = stream->WaitReady(absl::Seconds(10)); });
    waiter.join();
    ASSERT_TRUE(ready) << "after " << taken << " events";
    // What the waiter read is there without waiting.
    auto batch = stream->NextReceivedBatch(absl::ZeroDuration(), 1000);
    ASSERT_TRUE(batch.ok()) << batch.status();
    ASSERT_FALSE(batch->empty()) << "WaitReady said ready, but nothing was there";
    taken += batch->size();
  }
  EXPECT_EQ(taken, 51u);
  // Nothing more: a wait times out, saying so.
  EXPECT_FALSE(stream->WaitReady(absl::Milliseconds(200)));
}

TEST_F(EventStreamTest, DroppingAStreamWithUnreadEventsReturnsPromptly) {
  PublishStories(200);
  const absl::Time start = absl::Now();
  {
    auto stream = client_->Subscribe(FromStart());
    auto first = stream->Next(absl::Seconds(10));
    ASSERT_TRUE(first.ok()) << first.status();
  }  // 199 stories and CAUGHT_UP unread.
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
  // The server is unharmed: a new stream reads everything.
  auto again = client_->Subscribe(FromStart());
  auto batch = again->NextBatch(absl::Seconds(10), 1);
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_EQ(batch->front().sequence(), 1u);
}

TEST(EventStreamNoServer, SubscribeReturnsAndTheStreamSaysUnavailable) {
  // Nothing listens on port 1 of loopback: the connection is refused.
  Client client("127.0.0.1:1");
  const absl::Time start = absl::Now();
  auto stream = client.Subscribe(v1::SubscribeRequest());
  auto next = stream->Next(absl::Seconds(30));
  EXPECT_EQ(next.status().code(), absl::StatusCode::kUnavailable) << next.status();
  EXPECT_LT(absl::Now() - start, absl::Seconds(20));
}

}  // namespace
}  // namespace newswire
