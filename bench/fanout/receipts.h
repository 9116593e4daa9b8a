// The subscriber side of the fanout driver protocol (bench/fanout/run.py):
// what the streams of one client process received, and when.
//
// A subscriber process prints "ready" once every stream is subscribed, then
// waits until each stream received `expected` stamped events, or until no
// event arrived for `idle` after the first one, and prints one line:
//   done received=N last_ns=T messages=M complete=K samples=S p50_us=… p99_us=… max_us=…
//        sequenced=Q gaps=G duplicates=D
// received counts stamped events over all streams, last_ns is the
// CLOCK_MONOTONIC time of the last receipt, messages counts the messages
// that carried them (so received/messages is events per message), complete
// is the number of streams that got all `expected`, and the latencies
// (receipt time minus stamp) are over every event when asked for, else 0.
// Where a client reads the events' sequences, it passes them too: Q
// streams did; G counts the sequences a stream skipped (a later one came
// before them), D the events whose sequence was not above the stream's
// previous one (duplicates or reordering). So a stream with complete
// events, no gaps and no duplicates got every event once, in order.
// With `expected` 0 the process holds its streams open until stdin closes.
#ifndef NEWSWIRE_BENCH_FANOUT_RECEIPTS_H_
#define NEWSWIRE_BENCH_FANOUT_RECEIPTS_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace newswire::bench {

class Receipts {
 public:
  // One subscriber stream's share.
  class Stream {
   public:
    // Made by Receipts only.
    explicit Stream(Receipts* owner) : owner_(owner) {}

    // Records one message received at `now_ns` carrying events with these
    // stamps and, where the client reads them, these sequences (in the
    // order received; empty: not read). Thread-safe.
    void Message(int64_t now_ns, absl::Span<const int64_t> stamps,
                 absl::Span<const uint64_t> sequences = {});

   private:
    friend class Receipts;
    Receipts* const owner_;
    absl::Mutex mu_;
    int64_t events_ ABSL_GUARDED_BY(mu_) = 0;
    int64_t messages_ ABSL_GUARDED_BY(mu_) = 0;
    int64_t last_ns_ ABSL_GUARDED_BY(mu_) = 0;
    std::vector<int64_t> latencies_ns_ ABSL_GUARDED_BY(mu_);
    uint64_t last_sequence_ ABSL_GUARDED_BY(mu_) = 0;  // 0: none seen yet.
    int64_t gaps_ ABSL_GUARDED_BY(mu_) = 0;
    int64_t duplicates_ ABSL_GUARDED_BY(mu_) = 0;
  };

  Receipts(int streams, int64_t expected, bool latency);

  Stream& stream(int i) { return streams_[i]; }

  // A stream is subscribed (its first response, or its subscription
  // confirmed, arrived). Thread-safe.
  void Subscribed() { subscribed_.fetch_add(1); }
  // A stream ended with an error before it was done. Thread-safe.
  void Failed(const std::string& why);

  // Runs the protocol above on stdout; returns the exit code (1 when a
  // stream failed).
  int Run(absl::Duration idle);
  // Run, then ends the process at once with its exit code: the streams
  // are still open, and are not torn down one by one.
  [[noreturn]] void RunThenExit(absl::Duration idle);

 private:
  std::string Report();

  const int64_t expected_;
  const int64_t expected_total_;
  const bool latency_;
  std::deque<Stream> streams_;  // A deque: Stream holds a mutex, never moves.
  std::atomic<int> subscribed_{0};
  std::atomic<int64_t> received_{0};
  std::atomic<int> failed_{0};
};

}  // namespace newswire::bench

#endif  // NEWSWIRE_BENCH_FANOUT_RECEIPTS_H_
