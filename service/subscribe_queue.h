// NewsFeed.Subscribe on gRPC's completion-queue API.
//
// Every Subscribe stream of the server is driven by one thread looping on
// one completion queue: it starts each write, sees it complete and starts
// the next. When the hub has news for streams that were waiting, it puts
// them in a ready list and sets one alarm in the queue, so the same thread
// picks them all up at once. Measured against the callback API on this
// transport (bench/RESULTS.md, "Fanout"; bench/fanout/bare_async_server.cc):
// under load both cost the same per message, but with the callback API
// every write completes on another thread than the one that started it,
// and at low rates, where every event is its own write, that hand-off
// doubled the median latency.
//
// Each write is a raw SubscribeResponse: the hub's shared frames go to the
// socket without being copied or re-serialized.
#ifndef NEWSWIRE_SERVICE_SUBSCRIBE_QUEUE_H_
#define NEWSWIRE_SERVICE_SUBSCRIBE_QUEUE_H_

#include <memory>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "core/fanout/hub.h"
#include "grpcpp/alarm.h"
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

  // Brings `stream`, which the hub woke, back onto the queue's thread:
  // puts it in the ready list and sets the alarm if it is not set. Runs on
  // hub threads; however many streams an event wakes, the queue's thread
  // sees one alarm.
  void Wake(const std::shared_ptr<Stream>& stream);
  // On the alarm: lets each stream of the ready list write.
  void RunReady();
  // Handles completions until the queue is shut down and drained.
  void Poll();

  FeedService* const service_;
  Hub* const hub_;
  std::unique_ptr<grpc::ServerCompletionQueue> cq_;
  // Held shared by whoever puts an alarm in the queue, exclusively by
  // Shutdown: nothing is added to a queue that is shut down.
  absl::Mutex open_mu_;
  bool open_ ABSL_GUARDED_BY(open_mu_) = false;
  // Streams woken since the alarm last went off; the alarm is set whenever
  // the list is not empty. Every stream in it has its waking flag set.
  absl::Mutex ready_mu_ ABSL_ACQUIRED_AFTER(open_mu_);
  std::vector<std::shared_ptr<Stream>> ready_ ABSL_GUARDED_BY(ready_mu_);
  bool alarm_set_ ABSL_GUARDED_BY(ready_mu_) = false;
  grpc::Alarm alarm_;
  char alarm_tag_ = 0;  // Its address is the alarm's tag.
  std::thread poller_;
};

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_SUBSCRIBE_QUEUE_H_
