#include "service/subscribe_queue.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/alarm.h"
#include "grpcpp/impl/codegen/proto_utils.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/async_stream.h"
#include "core/model/article.h"
#include "core/policy/policy.h"
#include "service/call_credentials.h"
#include "service/request_bytes.h"
#include "service/status.h"
#include "service/stream_log.h"

namespace newswire {
namespace {

// Live events are sent in responses of up to about this many bytes; while a
// write is in flight new events queue up and go out together in the next one.
constexpr size_t kMaxResponseBytes = 256 << 10;

// Wraps runs of shared frames in one ByteBuffer without copying: each run
// is one slice, which keeps its chunk alive until gRPC is done with it.
grpc::ByteBuffer ToByteBuffer(const std::vector<FrameRun>& runs) {
  std::vector<grpc::Slice> slices;
  slices.reserve(runs.size());
  for (const FrameRun& run : runs) {
    auto* owner = new std::shared_ptr<const FrameChunk>(run.chunk);
    slices.emplace_back(
        const_cast<char*>(run.bytes.data()), run.bytes.size(),
        [](void* p) { delete static_cast<std::shared_ptr<const FrameChunk>*>(p); }, owner);
  }
  return grpc::ByteBuffer(slices.data(), slices.size());
}

// The hub's options for `request`, or INVALID_ARGUMENT naming the field.
absl::StatusOr<SubscriptionOptions> ToOptions(const v1::SubscribeRequest& request,
                                              const std::string& peer) {
  if (!v1::ArticleView_IsValid(request.view())) {
    return absl::InvalidArgumentError("view: unknown value");
  }
  SubscriptionOptions options;
  options.start = request.start();
  options.after_sequence = request.after_sequence();
  if (request.has_since()) options.since = FromProtoTime(request.since());
  options.filter = request.filter();
  options.view = request.view();
  options.every_version = request.every_version();
  if (request.has_heartbeat_interval()) {
    const google::protobuf::Duration& d = request.heartbeat_interval();
    options.heartbeat = absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
    if (options.heartbeat <= absl::ZeroDuration()) {
      return absl::InvalidArgumentError("heartbeat_interval: must be positive");
    }
  }
  options.client = ClientOfPeer(peer);
  return options;
}

}  // namespace

// One Subscribe call, from the request for it to its end. Keeps itself alive
// (self_) until gRPC has told it the call ended and none of its operations
// is left in the queue. Its completions come on the queue's thread; hub
// threads only wake it. mu_ orders the two.
class SubscribeQueue::Stream {
 public:
  ~Stream() {
    if (!counted_) return;
    queue_.service_->metrics().StreamClosed(Transport::kGrpc);
    bool server_open;
    {
      absl::ReaderMutexLock open(&queue_.open_mu_);
      server_open = queue_.open_;
    }
    absl::MutexLock lock(&mu_);
    // Nothing said how it ended: gRPC ended the call, for the client or
    // for a server shutting down.
    EndedBy(server_open ? "cancelled by the client" : "the server stopped");
    log_.reset();  // stream.closed
  }
  // Asks for the next Subscribe call; a new Stream waits for it.
  static void Accept(SubscribeQueue& queue) {
    auto stream = std::shared_ptr<Stream>(new Stream(queue));
    absl::MutexLock lock(&stream->mu_);  // A stream's lock before the queue's.
    absl::ReaderMutexLock open(&queue.open_mu_);
    if (!queue.open_) return;
    stream->self_ = stream;
    stream->context_.AsyncNotifyWhenDone(&stream->ended_tag_);
    queue.service_->RequestSubscribe(&stream->context_, &stream->request_, &stream->writer_,
                                     queue.cq_.get(), queue.cq_.get(), &stream->started_tag_);
  }

  // What completed, for the queue's thread.
  enum class Step { kStarted, kWritten, kWoken, kFinished, kEnded };
  struct Tag {
    Stream* stream;
    Step step;
  };

  // Reacts to one of its operations completing; `ok` as the queue says.
  // Operations are only started while the queue is open: after Shutdown
  // the queue takes none, and the server has cancelled every call anyway.
  void Proceed(Step step, bool ok) {
    switch (step) {
      case Step::kStarted:
        if (!ok) {
          // The server is shutting down: no call came, and no end of it
          // will be announced.
          absl::MutexLock lock(&mu_);
          ended_ = done_ = true;
          break;
        }
        Accept(queue_);
        Begin();
        break;
      case Step::kWritten: {
        absl::MutexLock lock(&mu_);
        writing_ = false;
        if (!ok) {  // The client went away; kEnded follows.
          done_ = true;
          EndedBy("the client went away");
        }
        break;
      }
      case Step::kWoken: {
        absl::MutexLock lock(&mu_);
        waking_ = false;
        break;
      }
      case Step::kFinished: {
        absl::MutexLock lock(&mu_);
        finishing_ = false;
        break;
      }
      case Step::kEnded: {
        absl::MutexLock lock(&mu_);
        ended_ = done_ = true;
        break;
      }
    }
    if (step == Step::kWritten || step == Step::kWoken) TryWrite();
    ReleaseIfIdle();
  }

  // The hub has something again. Returns true if the stream is to be
  // brought back onto the queue's thread (then the caller must, or call
  // StopWaking); false if a write in flight, or a wake-up already under
  // way, will look anyway, or nothing more is written.
  bool StartWaking() {
    absl::MutexLock lock(&mu_);
    if (writing_ || waking_ || done_) return false;
    waking_ = true;
    return true;
  }

  // Undoes StartWaking when the queue is closed.
  void StopWaking() {
    {
      absl::MutexLock lock(&mu_);
      waking_ = false;
    }
    ReleaseIfIdle();
  }

 private:
  explicit Stream(SubscribeQueue& queue) : queue_(queue) {}

  // Starts the subscription the request asks for, for a caller the gate
  // admits and entitles to it, or finishes the call naming what is wrong.
  void Begin() {
    Gate& gate = queue_.service_->gate();
    absl::StatusOr<Caller> caller =
        gate.Admit(CallCredentials(context_), "Subscribe", Action::kSubscribe);
    absl::StatusOr<SubscriptionOptions> options;
    if (!caller.ok()) {
      options = caller.status();
    } else {
      v1::SubscribeRequest request;
      absl::Status parsed = ParseRequest(request_, &request);
      options = parsed.ok() ? ToOptions(request, context_.peer()) : parsed;
    }
    if (options.ok()) {
      absl::StatusOr<v1::Filter> entitled = EntitledFilter(*caller->principal, options->filter);
      if (entitled.ok()) {
        options->filter = *std::move(entitled);
      } else {
        options = gate.Deny(*caller, entitled.status());
      }
    }
    std::optional<StreamLease> lease;
    if (options.ok()) {
      absl::StatusOr<StreamLease> opened = gate.OpenStream(*caller);
      if (opened.ok()) {
        lease.emplace(*std::move(opened));
      } else {
        options = opened.status();
      }
    }
    absl::Status status = options.status();
    if (status.ok()) {
      std::weak_ptr<Stream> weak;
      {
        absl::MutexLock lock(&mu_);
        weak = self_;
      }
      absl::StatusOr<std::shared_ptr<Subscription>> sub =
          queue_.hub_->Subscribe(*options, [weak] {
            if (auto stream = weak.lock()) stream->queue_.Wake(stream);
          });
      if (sub.ok()) {
        // A revoked or expired key ends the stream (from the gate's thread).
        lease->OnKeyInvalid([weak_sub = std::weak_ptr<Subscription>(*sub)](
                                const absl::Status& invalid) {
          if (auto live = weak_sub.lock()) live->End(invalid);
        });
        absl::MutexLock lock(&mu_);
        subscription_ = *std::move(sub);
        lease_.emplace(std::move(*lease));
        log_.emplace(kGrpcTransport, context_.peer(), caller->principal->log_name(), *options);
        queue_.service_->metrics().StreamOpened(Transport::kGrpc);
        counted_ = true;
      } else {
        status = sub.status();
      }
    }
    if (!status.ok()) {
      LogStreamRefused(kGrpcTransport, context_.peer(),
                       caller.ok() ? caller->principal->log_name() : "", status);
      absl::MutexLock lock(&mu_);
      FinishLocked(status);
      return;
    }
    TryWrite();
  }

  // Writes the next batch unless a write or a wake-up is in flight.
  void TryWrite() {
    absl::MutexLock lock(&mu_);
    if (writing_ || waking_ || done_ || subscription_ == nullptr) return;
    absl::StatusOr<std::vector<FrameRun>> frames = subscription_->Next(kMaxResponseBytes);
    const size_t events = frames.ok() ? CountFrames(*frames) : 0;
    log_->Sent(events, subscription_->fallbacks());
    if (!frames.ok()) {
      FinishLocked(frames.status());
    } else if (!frames->empty()) {  // Else the hub wakes the stream when there is more.
      absl::ReaderMutexLock open(&queue_.open_mu_);
      if (!queue_.open_) {  // The server stopped: the call is cancelled.
        done_ = true;
        EndedBy("the server stopped");
        return;
      }
      queue_.service_->metrics().CountSent(Transport::kGrpc, events);
      buffer_ = ToByteBuffer(*frames);
      writing_ = true;
      writer_.Write(buffer_, &written_tag_);
    }
  }

  // Says how the stream ended, unless that is said already.
  void EndedBy(absl::string_view why) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (log_) log_->EndedBy(why);
  }

  void FinishLocked(const absl::Status& status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    done_ = true;
    EndedBy(absl::StatusCodeToString(status.code()));
    absl::ReaderMutexLock open(&queue_.open_mu_);
    if (!queue_.open_) return;  // The server stopped: the call is cancelled.
    finishing_ = true;
    writer_.Finish(ToGrpcStatus(status), &finished_tag_);
  }

  // Lets the stream go once the call ended and nothing of it is queued. The
  // caller must not touch the stream afterwards.
  void ReleaseIfIdle() {
    std::shared_ptr<Stream> last;  // Destroyed after mu_ is unlocked.
    absl::MutexLock lock(&mu_);
    if (ended_ && !writing_ && !waking_ && !finishing_) last = std::move(self_);
  }

  SubscribeQueue& queue_;
  grpc::ServerContext context_;
  grpc::ByteBuffer request_;
  grpc::ServerAsyncWriter<grpc::ByteBuffer> writer_{&context_};
  Tag started_tag_{this, Step::kStarted};
  Tag written_tag_{this, Step::kWritten};
  Tag finished_tag_{this, Step::kFinished};
  Tag ended_tag_{this, Step::kEnded};

  absl::Mutex mu_;
  std::shared_ptr<Stream> self_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<Subscription> subscription_ ABSL_GUARDED_BY(mu_);
  // Counted among the open gRPC streams (from the subscription on).
  bool counted_ = false;
  // The stream's lines in the event log, from the subscription on.
  std::optional<StreamLog> log_ ABSL_GUARDED_BY(mu_);
  // Counts the stream against its key's limit while it lives.
  std::optional<StreamLease> lease_ ABSL_GUARDED_BY(mu_);
  // The response being written; untouched until kWritten.
  grpc::ByteBuffer buffer_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;    // A write is in the queue.
  bool waking_ ABSL_GUARDED_BY(mu_) = false;     // In the queue's ready list.
  bool finishing_ ABSL_GUARDED_BY(mu_) = false;  // Finish is in the queue.
  bool done_ ABSL_GUARDED_BY(mu_) = false;       // Nothing more is written.
  bool ended_ ABSL_GUARDED_BY(mu_) = false;      // gRPC announced the end.
};

SubscribeQueue::SubscribeQueue(FeedService* service, Hub* hub) : service_(service), hub_(hub) {}

SubscribeQueue::~SubscribeQueue() { Shutdown(); }

void SubscribeQueue::AddTo(grpc::ServerBuilder& builder) { cq_ = builder.AddCompletionQueue(); }

void SubscribeQueue::Start() {
  {
    absl::MutexLock lock(&open_mu_);
    open_ = true;
  }
  Stream::Accept(*this);
  poller_ = std::thread([this] { Poll(); });
}

void SubscribeQueue::Shutdown() {
  if (!poller_.joinable()) return;
  {
    absl::MutexLock lock(&open_mu_);
    open_ = false;
  }
  cq_->Shutdown();
  poller_.join();
}

void SubscribeQueue::Wake(const std::shared_ptr<Stream>& stream) {
  if (!stream->StartWaking()) return;
  {
    absl::ReaderMutexLock open(&open_mu_);
    if (open_) {
      absl::MutexLock lock(&ready_mu_);
      ready_.push_back(stream);
      if (!alarm_set_) {
        alarm_set_ = true;
        alarm_.Set(cq_.get(), gpr_inf_past(GPR_CLOCK_MONOTONIC), &alarm_tag_);
      }
      return;
    }
  }
  stream->StopWaking();  // The queue is shut down: the call is cancelled.
}

void SubscribeQueue::RunReady() {
  std::vector<std::shared_ptr<Stream>> ready;
  {
    absl::MutexLock lock(&ready_mu_);
    ready.swap(ready_);
    alarm_set_ = false;
  }
  for (const std::shared_ptr<Stream>& stream : ready) {
    stream->Proceed(Stream::Step::kWoken, /*ok=*/true);
  }
}

void SubscribeQueue::Poll() {
  void* tag = nullptr;
  bool ok = false;
  while (cq_->Next(&tag, &ok)) {
    if (tag == &alarm_tag_) {
      RunReady();
      continue;
    }
    auto* done = static_cast<Stream::Tag*>(tag);
    done->stream->Proceed(done->step, ok);
  }
}

}  // namespace newswire
