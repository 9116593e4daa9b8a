// NewsFeed.Subscribe on gRPC's completion-queue API.
//
// Every Subscribe stream of the server is driven by one thread looping on
// one completion queue: it starts each write, sees it complete and starts
// the next, and when the hub has a new event for a stream that was waiting,
// the hub's wake-up (an alarm in the queue) brings that stream back onto the
// same thread. Measured against the callback API on this transport
// (bench/RESULTS.md, "Fanout", and bench/fanout/bare_async_server.cc), one
// thread that never hands a stream to another is the cheaper way per message
// and, above all, at low rates, where every event is its own write, the
// faster one: with the callback API each write completes on another thread
// than the one that started it.
//
// Each write is a raw SubscribeResponse: the hub's shared frames go to the
// socket without being copied or re-serialized.
#ifndef NEWSWIRE_SERVICE_SUBSCRIBE_QUEUE_H_
#define NEWSWIRE_SERVICE_SUBSCRIBE_QUEUE_H_

#include <memory>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "core/hub.h"
#include "grpcpp/completion_queue.h"
#include "grpcpp/server_builder.h"
#include "service/feed_service.h"

namespace newswire {

// Bad requests end the stream at once with INVALID_ARGUMENT naming the
// field; hub errors (OUT_OF_RANGE, RESOURCE_EXHAUSTED) likewise; a closed
// hub ends every stream with UNAVAILABLE.
class SubscribeQueue {
 public:
  // Serves `service`'s Subscribe calls from `hub`. REQUIRES: both outlive
  // this.
  SubscribeQueue(FeedService* service, Hub* hub);
  SubscribeQueue(const SubscribeQueue&) = delete;
  SubscribeQueue& operator=(const SubscribeQueue&) = delete;
  // REQUIRES: Shutdown was called, if Start was.
  ~SubscribeQueue();

  // Adds the completion queue to `builder`. Call before BuildAndStart.
  void AddTo(grpc::ServerBuilder& builder);

  // Takes Subscribe calls from now on. Call once the server is started.
  void Start();

  // Shuts the queue down and returns once every stream is gone and the
  // thread ended. Idempotent. REQUIRES: the gRPC server was shut down (grpc::Server::Shutdown
  // returned) and the hub closed.
  void Shutdown();

 private:
  class Stream;

  // Handles completions until the queue is shut down and drained.
  void Poll();

  FeedService* const service_;
  Hub* const hub_;
  std::unique_ptr<grpc::ServerCompletionQueue> cq_;
  // Held shared by whoever puts an alarm in the queue, exclusively by
  // Shutdown: nothing is added to a queue that is shut down.
  absl::Mutex open_mu_;
  bool open_ ABSL_GUARDED_BY(open_mu_) = false;
  std::thread poller_;
};

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_SUBSCRIBE_QUEUE_H_
