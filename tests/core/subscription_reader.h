// Test helper: reads a Hub subscription the way a transport does.
#ifndef NEWSWIRE_TESTS_CORE_SUBSCRIPTION_READER_H_
#define NEWSWIRE_TESTS_CORE_SUBSCRIPTION_READER_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "core/fanout/hub.h"
#include "gtest/gtest.h"

namespace newswire {

// Decodes frames the way a client does: side by side they are one
// serialized SubscribeResponse.
inline std::vector<FeedEvent> Decode(const std::vector<FrameRun>& frames) {
  std::string bytes;
  for (const FrameRun& f : frames) bytes.append(f.bytes.data(), f.bytes.size());
  v1::SubscribeResponse response;
  EXPECT_TRUE(response.ParseFromString(bytes));
  return {response.events().begin(), response.events().end()};
}

// Pulls a subscription the way a transport does: Next until empty, then
// wait for on_ready.
class Reader {
 public:
  Reader(Hub& hub, SubscriptionOptions options) {
    // on_ready may run after the Reader is gone (as the Hub warns): it
    // holds the flag, not the Reader.
    auto sub = hub.Subscribe(options, [ready = ready_] {
      absl::MutexLock lock(&ready->mu);
      ready->ready = true;
    });
    EXPECT_TRUE(sub.ok()) << sub.status();
    sub_ = *std::move(sub);
  }

  // Reads until `stop` says so or `timeout` passes; returns what was read.
  std::vector<FeedEvent> ReadUntil(
      const std::function<bool(const std::vector<FeedEvent>&)>& stop,
      absl::Duration timeout = absl::Seconds(20)) {
    const absl::Time deadline = absl::Now() + timeout;
    while (!stop(events_) && absl::Now() < deadline) {
      absl::StatusOr<std::vector<FrameRun>> frames = sub_->Next(64 << 10);
      if (!frames.ok()) {
        status_ = frames.status();
        break;
      }
      if (frames->empty()) {
        absl::MutexLock lock(&ready_->mu);
        ready_->mu.AwaitWithTimeout(absl::Condition(&ready_->ready), absl::Milliseconds(100));
        ready_->ready = false;
        continue;
      }
      for (FeedEvent& e : Decode(*frames)) events_.push_back(std::move(e));
    }
    return events_;
  }

  // Reads what is ready now, without waiting (after a publish returns, its
  // event is ready for every live subscription).
  std::vector<FeedEvent> Drain() {
    while (true) {
      absl::StatusOr<std::vector<FrameRun>> frames = sub_->Next(64 << 10);
      if (!frames.ok()) {
        status_ = frames.status();
        break;
      }
      if (frames->empty()) break;
      for (FeedEvent& e : Decode(*frames)) events_.push_back(std::move(e));
    }
    return events_;
  }

  std::vector<FeedEvent> ReadArticles(size_t n) {
    ReadUntil([n](const std::vector<FeedEvent>& events) {
      return ArticleCount(events) >= n;
    });
    return events_;
  }

  static size_t ArticleCount(const std::vector<FeedEvent>& events) {
    size_t n = 0;
    for (const FeedEvent& e : events) n += e.has_article();
    return n;
  }

  Subscription& sub() { return *sub_; }
  const absl::Status& status() const { return status_; }

 private:
  std::shared_ptr<Subscription> sub_;
  std::vector<FeedEvent> events_;
  absl::Status status_;
  struct Ready {
    absl::Mutex mu;
    bool ready ABSL_GUARDED_BY(mu) = false;
  };
  const std::shared_ptr<Ready> ready_ = std::make_shared<Ready>();
};

// Sequences of the article events.
inline std::vector<uint64_t> Sequences(const std::vector<FeedEvent>& events) {
  std::vector<uint64_t> seqs;
  for (const FeedEvent& e : events) {
    if (e.has_article()) seqs.push_back(e.sequence());
  }
  return seqs;
}

}  // namespace newswire

#endif  // NEWSWIRE_TESTS_CORE_SUBSCRIPTION_READER_H_
