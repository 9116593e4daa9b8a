// fanout_bare: the bare gRPC contender of the fanout benchmark, the limit
// of the transport. A gRPC server with only NewsFeed.Subscribe, as the
// generated raw callback method (grpc::ByteBuffer): every subscriber gets,
// after one CAUGHT_UP event, the same pre-serialized messages, in order,
// one message per write, the bytes shared by every stream. Nothing else:
// no store, no hub, no per-subscriber queue, no flow-control policy.
//
//   fanout_bare [--listen HOST:PORT]     (default 127.0.0.1:0)
//
// Prints "listening HOST:PORT" once serving, then serves the publisher
// protocol (bench/fanout/publisher.h). A publish command appends COUNT
// events (FanoutEvent, framed as SubscribeResponse.events, stamped at send
// time) in messages of BATCH events on average: message j holds
// floor((j + 1) * BATCH) - floor(j * BATCH) events, so a fractional BATCH
// (newswire's measured mean) is matched exactly.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "bench/fanout/payload.h"
#include "bench/fanout/publisher.h"
#include "core/event_frame.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "newswire/v1/feed.grpc.pb.h"

namespace newswire::bench {
namespace {

class BareStream;

// The messages published so far, shared by every stream, and the streams
// waiting for the next one.
class MessageLog {
 public:
  // Appends `message` and wakes the streams waiting for it.
  void Append(grpc::ByteBuffer message);
  // Number of messages appended so far.
  size_t size() const;
  // Sets `*out` to message `index` (sharing its slices) and returns true;
  // or, when it is not published yet, registers `stream` to be woken by the
  // next Append and returns false.
  bool Take(size_t index, grpc::ByteBuffer* out, std::weak_ptr<BareStream> stream);

 private:
  mutable absl::Mutex mu_;
  std::deque<grpc::ByteBuffer> messages_ ABSL_GUARDED_BY(mu_);
  std::vector<std::weak_ptr<BareStream>> waiting_ ABSL_GUARDED_BY(mu_);
};

// One Subscribe call: writes the log's messages, one per write, from where
// the log ended when it started. Keeps itself alive until OnDone.
class BareStream final : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
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

void MessageLog::Append(grpc::ByteBuffer message) {
  std::vector<std::weak_ptr<BareStream>> wake;
  {
    absl::MutexLock lock(&mu_);
    messages_.push_back(std::move(message));
    wake.swap(waiting_);
  }
  for (const auto& weak : wake) {
    if (auto stream = weak.lock()) stream->TryWrite();
  }
}

size_t MessageLog::size() const {
  absl::MutexLock lock(&mu_);
  return messages_.size();
}

bool MessageLog::Take(size_t index, grpc::ByteBuffer* out,
                      std::weak_ptr<BareStream> stream) {
  absl::MutexLock lock(&mu_);
  if (index < messages_.size()) {
    *out = messages_[index];
    return true;
  }
  waiting_.push_back(std::move(stream));
  return false;
}

grpc::ByteBuffer BufferOf(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

class BareFeedService final
    : public v1::NewsFeed::WithRawCallbackMethod_Subscribe<v1::NewsFeed::CallbackService> {
 public:
  explicit BareFeedService(MessageLog& log)
      : log_(log), caught_up_(BufferOf(std::string(FrameCaughtUp(0)->bytes))) {}

  grpc::ServerWriteReactor<grpc::ByteBuffer>* Subscribe(
      grpc::CallbackServerContext*, const grpc::ByteBuffer*) override {
    return BareStream::Start(log_, caught_up_);
  }

 private:
  MessageLog& log_;
  const grpc::ByteBuffer caught_up_;
};

// Appends the command's events to `log` in messages of command.batch events
// on average, each event a copy of `frame` stamped at its send time.
absl::Status PublishFrames(MessageLog& log, const std::string& frame,
                           const PublishCommand& command, PublishTimes& times) {
  const size_t stamp_at = StampOffset(frame);
  const double batch = std::max(1.0, command.batch);
  Pacer pacer(command.rate);
  int64_t sent = 0;
  for (int64_t j = 0; sent < command.count; ++j) {
    const int64_t k = std::clamp<int64_t>(
        static_cast<int64_t>(std::floor((j + 1) * batch) - std::floor(j * batch)), 1,
        command.count - sent);
    const int64_t now = pacer.Wait(sent);
    if (sent == 0) times.first_ns = now;
    grpc_slice slice = grpc_slice_malloc(k * frame.size());
    char* out = reinterpret_cast<char*>(GRPC_SLICE_START_PTR(slice));
    for (int64_t e = 0; e < k; ++e, out += frame.size()) {
      std::memcpy(out, frame.data(), frame.size());
      WriteStampAt(out + stamp_at, now);
    }
    grpc::Slice owned(slice, grpc::Slice::STEAL_REF);
    log.Append(grpc::ByteBuffer(&owned, 1));
    sent += k;
  }
  times.last_ns = MonotonicNs();
  return absl::OkStatus();
}

int Main(int argc, char** argv) {
  std::string listen = "127.0.0.1:0";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::string(argv[i]) == "--listen") listen = argv[i + 1];
  }
  MessageLog log;
  BareFeedService service(log);
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    std::fprintf(stderr, "fanout_bare: cannot listen on %s\n", listen.c_str());
    return 1;
  }
  std::printf("listening %s:%d\n", listen.substr(0, listen.rfind(':')).c_str(), port);
  std::fflush(stdout);
  const std::string frame(FrameWriter().Frame(FanoutEvent())->bytes);
  const int code = ServePublishCommands(
      [&log, &frame](const PublishCommand& command, PublishTimes& times) {
        return PublishFrames(log, frame, command, times);
      });
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  return code;
}

}  // namespace
}  // namespace newswire::bench

int main(int argc, char** argv) { return newswire::bench::Main(argc, argv); }
