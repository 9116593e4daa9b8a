// fanout_bare: the bare gRPC contender of the fanout benchmark, the limit
// of the transport. A gRPC server with only NewsFeed.Subscribe, as the
// generated raw callback method (grpc::ByteBuffer): every subscriber gets,
// after one CAUGHT_UP event, the same pre-serialized messages, in order,
// one message per write, the bytes shared by every stream. Nothing else:
// no store, no hub, no per-subscriber queue, no flow-control policy.
// fanout_bare_async (bare_async_server.cc) is the same on the
// completion-queue API.
//
//   fanout_bare [--listen HOST:PORT]     (default 127.0.0.1:0)
//
// Prints "listening HOST:PORT" once serving, then serves the publisher
// protocol (bench/fanout/publisher.h) as bench/fanout/bare_contender.h
// describes.
#include <chrono>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "bench/fanout/bare_contender.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "newswire/v1/feed.grpc.pb.h"

namespace newswire::bench {
namespace {

// One Subscribe call: writes the log's messages, one per write, from where
// the log ended when it started. Keeps itself alive until OnDone.
class BareStream final : public grpc::ServerWriteReactor<grpc::ByteBuffer>,
                         public MessageLog::Reader {
 public:
  static BareStream* Start(MessageLog& log, const grpc::ByteBuffer& caught_up) {
    auto stream = std::shared_ptr<BareStream>(new BareStream(log));
    stream->self_ = stream;
    stream->weak_self_ = stream;
    {
      absl::MutexLock lock(&stream->mu_);
      stream->buffer_ = caught_up;
      stream->writing_ = true;
    }
    stream->StartWrite(&stream->buffer_);
    return stream.get();
  }

  // Writes the next message unless a write is in flight or there is none.
  // Never calls into gRPC with mu_ held (reactions may run inline).
  void TryWrite() {
    {
      absl::MutexLock lock(&mu_);
      if (writing_ || done_) return;
      if (!log_.Take(next_, &buffer_, weak_self_)) return;
      ++next_;
      writing_ = true;
    }
    StartWrite(&buffer_);
  }

  void OnWriteDone(bool ok) override {
    {
      absl::MutexLock lock(&mu_);
      writing_ = false;
      if (!ok) done_ = true;
    }
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "write failed"));
      return;
    }
    TryWrite();
  }

  void OnCancel() override {
    {
      absl::MutexLock lock(&mu_);
      if (done_ || writing_) return;  // OnWriteDone(false) finishes.
      done_ = true;
    }
    Finish(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled"));
  }

  void OnDone() override { self_.reset(); }

  void OnAppended() override { TryWrite(); }

 private:
  explicit BareStream(MessageLog& log) : log_(log), next_(log.size()) {}

  MessageLog& log_;
  std::shared_ptr<BareStream> self_;
  std::weak_ptr<BareStream> weak_self_;
  absl::Mutex mu_;
  size_t next_ ABSL_GUARDED_BY(mu_);
  grpc::ByteBuffer buffer_;  // In flight until OnWriteDone.
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
};

class BareFeedService final : public v1::NewsFeed::WithRawCallbackMethod_Subscribe<
                                  v1::NewsFeed::CallbackService> {
 public:
  explicit BareFeedService(MessageLog& log) : log_(log), caught_up_(CaughtUpMessage()) {}

  grpc::ServerWriteReactor<grpc::ByteBuffer>* Subscribe(
      grpc::CallbackServerContext*, const grpc::ByteBuffer*) override {
    return BareStream::Start(log_, caught_up_);
  }

 private:
  MessageLog& log_;
  const grpc::ByteBuffer caught_up_;
};

int Main(int argc, char** argv) {
  const BareFlags flags = ParseBareFlags(argc, argv);
  MessageLog log;
  BareFeedService service(log);
  grpc::ServerBuilder builder;
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server =
      StartBareServer(builder, flags.listen, "fanout_bare");
  if (server == nullptr) return 1;
  const int code = ServePublishing(log);
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  return code;
}

}  // namespace
}  // namespace newswire::bench

int main(int argc, char** argv) { return newswire::bench::Main(argc, argv); }
