// fanout_bare_async: fanout_bare (bare_server.cc) on gRPC's completion-queue
// API instead of the callback API, to measure what each costs per streamed
// message. NewsFeed.Subscribe is the generated raw async method
// (grpc::ByteBuffer); the other methods are async and never requested, so
// the server runs no sync or callback threads of its own: only the threads
// below, each looping on ServerCompletionQueue::Next over one queue. Every
// stream writes one CAUGHT_UP event, then the log's messages in order, one
// message per write, the next write started when the previous one completes.
// A stream that has written everything waits in the log; the publisher's
// Append wakes it by setting the stream's alarm to the past, so every Write
// is started on a completion-queue thread, never on the publisher's. With
// --wake publisher, Append starts the stream's next Write itself, on the
// publisher's thread, as fanout_bare's reactors do.
//
//   fanout_bare_async [--listen HOST:PORT] [--cq-threads N]
//                     [--wake alarm|publisher]
//                     (defaults 127.0.0.1:0, 1 thread, alarm)
//
// Prints "listening HOST:PORT" once serving, then serves the publisher
// protocol (bench/fanout/publisher.h) as bench/fanout/bare_contender.h
// describes.
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "bench/fanout/bare_contender.h"
#include "grpcpp/alarm.h"
#include "grpcpp/completion_queue.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/async_stream.h"
#include "newswire/v1/feed.grpc.pb.h"

namespace newswire::bench {
namespace {

using AsyncFeedService =
    v1::NewsFeed::WithRawMethod_Subscribe<v1::NewsFeed::AsyncService>;

// What every stream of the server shares. `cq` is set before the server
// starts and shut down after it.
struct AsyncFeed {
  AsyncFeedService service;
  std::unique_ptr<grpc::ServerCompletionQueue> cq;
  MessageLog log;
  const grpc::ByteBuffer caught_up = CaughtUpMessage();
  bool wake_on_publisher = false;  // --wake publisher
};

// One Subscribe call, from RequestSubscribe to the end of the call. Owns
// itself (self_) until it has seen the call end (the AsyncNotifyWhenDone
// tag) and has no write or alarm left in the queue. Its completions may be
// handled by several threads at once: mu_ orders them.
class AsyncStream final : public MessageLog::Reader {
 public:
  enum class Event { kStarted, kWritten, kWoken, kDone };
  // The tag of each completion: the stream and what completed.
  struct Tag {
    AsyncStream* stream;
    Event event;
  };

  // Requests the next Subscribe call into a new stream.
  static void Accept(AsyncFeed& feed) {
    auto stream = std::shared_ptr<AsyncStream>(new AsyncStream(feed));
    stream->weak_self_ = stream;
    {
      absl::MutexLock lock(&stream->mu_);
      stream->self_ = stream;
    }
    stream->context_.AsyncNotifyWhenDone(&stream->done_tag_);
    feed.service.RequestSubscribe(&stream->context_, &stream->request_, &stream->writer_,
                                  feed.cq.get(), feed.cq.get(), &stream->started_tag_);
  }

  // Reacts to one of this stream's completions. Runs on a queue thread.
  void Proceed(Event event, bool ok) {
    switch (event) {
      case Event::kStarted:
        if (!ok) {  // Shutting down: the call never started, no done tag follows.
          absl::MutexLock lock(&mu_);
          ended_ = notified_ = true;
          break;
        }
        Accept(feed_);
        {
          absl::MutexLock lock(&mu_);
          next_ = feed_.log.size();
          buffer_ = feed_.caught_up;
          writing_ = true;
        }
        writer_.Write(buffer_, &written_tag_);
        break;
      case Event::kWritten: {
        {
          absl::MutexLock lock(&mu_);
          writing_ = false;
          if (!ok) ended_ = true;  // The done tag follows.
        }
        TryWrite();
        break;
      }
      case Event::kWoken: {
        {
          absl::MutexLock lock(&mu_);
          waking_ = false;
        }
        TryWrite();
        break;
      }
      case Event::kDone: {
        absl::MutexLock lock(&mu_);
        ended_ = notified_ = true;
        break;
      }
    }
    ReleaseIfIdle();
  }

  // Runs on the publisher's thread: writes the new message, or gets the
  // stream back onto a queue thread, where kWoken writes it.
  void OnAppended() override {
    if (feed_.wake_on_publisher) {
      TryWrite();
      return;
    }
    {
      absl::MutexLock lock(&mu_);
      if (ended_) return;
      waking_ = true;
    }
    alarm_.Set(feed_.cq.get(), gpr_inf_past(GPR_CLOCK_MONOTONIC), &woken_tag_);
  }

 private:
  explicit AsyncStream(AsyncFeed& feed) : feed_(feed) {}

  // Writes the next message unless a write or a wake is in flight, the
  // call has ended, or there is none (then waits in the log for it).
  void TryWrite() {
    {
      absl::MutexLock lock(&mu_);
      if (writing_ || waking_ || ended_) return;
      if (!feed_.log.Take(next_, &buffer_, weak_self_)) return;
      ++next_;
      writing_ = true;
    }
    writer_.Write(buffer_, &written_tag_);
  }

  // Drops the stream's hold on itself once nothing of it is left in the
  // queue. The caller must not touch the stream afterwards.
  void ReleaseIfIdle() {
    std::shared_ptr<AsyncStream> last;  // Destroyed after mu_ is unlocked.
    absl::MutexLock lock(&mu_);
    if (notified_ && !writing_ && !waking_) last = std::move(self_);
  }

  AsyncFeed& feed_;
  grpc::ServerContext context_;
  grpc::ByteBuffer request_;
  grpc::ServerAsyncWriter<grpc::ByteBuffer> writer_{&context_};
  grpc::Alarm alarm_;
  Tag started_tag_{this, Event::kStarted};
  Tag written_tag_{this, Event::kWritten};
  Tag woken_tag_{this, Event::kWoken};
  Tag done_tag_{this, Event::kDone};
  std::weak_ptr<AsyncStream> weak_self_;
  absl::Mutex mu_;
  std::shared_ptr<AsyncStream> self_ ABSL_GUARDED_BY(mu_);
  size_t next_ ABSL_GUARDED_BY(mu_) = 0;
  grpc::ByteBuffer buffer_;                     // In flight until kWritten.
  bool writing_ ABSL_GUARDED_BY(mu_) = false;   // A write is in the queue.
  bool waking_ ABSL_GUARDED_BY(mu_) = false;    // The alarm is in the queue.
  bool ended_ ABSL_GUARDED_BY(mu_) = false;     // No more writes.
  bool notified_ ABSL_GUARDED_BY(mu_) = false;  // The done tag has come.
};

// A queue thread: handles completions until the queue is shut down and
// drained.
void Poll(grpc::ServerCompletionQueue& cq) {
  void* tag = nullptr;
  bool ok = false;
  while (cq.Next(&tag, &ok)) {
    auto* completion = static_cast<AsyncStream::Tag*>(tag);
    completion->stream->Proceed(completion->event, ok);
  }
}

int Main(int argc, char** argv) {
  const BareFlags flags = ParseBareFlags(argc, argv);
  AsyncFeed feed;
  feed.wake_on_publisher = flags.wake_on_publisher;
  grpc::ServerBuilder builder;
  builder.RegisterService(&feed.service);
  feed.cq = builder.AddCompletionQueue();
  std::unique_ptr<grpc::Server> server =
      StartBareServer(builder, flags.listen, "fanout_bare_async");
  if (server == nullptr) return 1;
  AsyncStream::Accept(feed);
  std::vector<std::thread> pollers;
  for (int i = 0; i < flags.cq_threads; ++i) {
    pollers.emplace_back([&feed] { Poll(*feed.cq); });
  }
  const int code = ServePublishing(feed.log);
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  feed.cq->Shutdown();
  for (auto& poller : pollers) poller.join();
  return code;
}

}  // namespace
}  // namespace newswire::bench

int main(int argc, char** argv) { return newswire::bench::Main(argc, argv); }
