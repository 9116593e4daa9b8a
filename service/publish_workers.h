// PublishWorkers: threads that run unary Publish calls off gRPC's callback
// threads.
//
// A publish is acknowledged only once its article is durable, so it waits
// for a commit (an fsync). gRPC runs callback methods on a couple of
// threads of its own; a Publish waiting there holds one, and publishes over
// gRPC were served about one commit at a time (~900/s with 8 to 256
// clients, bench/RESULTS.md "Security on the hot path") however many
// clients sent them. Here each call waits on a worker instead, so
// concurrent publishes share commits (group commit) as in-process
// publishers do, and gRPC's threads only hand calls over.
#ifndef NEWSWIRE_SERVICE_PUBLISH_WORKERS_H_
#define NEWSWIRE_SERVICE_PUBLISH_WORKERS_H_

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace newswire {

class PublishWorkers {
 public:
  // Starts `threads` workers.
  explicit PublishWorkers(int threads);
  PublishWorkers(const PublishWorkers&) = delete;
  PublishWorkers& operator=(const PublishWorkers&) = delete;
  // Runs what is queued, then joins the workers.
  ~PublishWorkers();

  // Runs `work` on a worker, in about the order given. Thread-safe.
  void Run(std::function<void()> work);

 private:
  void Loop();

  absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_PUBLISH_WORKERS_H_
