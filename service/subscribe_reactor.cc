#include "service/subscribe_reactor.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/impl/codegen/proto_utils.h"
#include "core/article.h"
#include "service/status.h"

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

// The client a peer address ("ipv4:10.0.0.7:53412") stands for: its host,
// so the per-client limit holds however many connections it opens.
std::string ClientOf(const std::string& peer) {
  const size_t colon = peer.rfind(':');
  return colon == std::string::npos ? peer : peer.substr(0, colon);
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
  options.client = ClientOf(peer);
  return options;
}

class SubscribeReactor final : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  // Starts the stream; the reactor then keeps itself alive until OnDone.
  static SubscribeReactor* Start(Hub& hub, const grpc::ByteBuffer& raw_request,
                                 const std::string& peer) {
    auto reactor = std::shared_ptr<SubscribeReactor>(new SubscribeReactor());
    reactor->self_ = reactor;
    reactor->Begin(hub, raw_request, peer);
    return reactor.get();
  }

  void OnWriteDone(bool ok) override {
    {
      absl::MutexLock lock(&mu_);
      writing_ = false;
      if (!ok) done_ = true;  // The client went away.
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
      // With a write in flight, OnWriteDone(false) follows and finishes.
      if (done_ || writing_) return;
      done_ = true;
    }
    Finish(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled by the client"));
  }

  // Drops the self-reference. A hub thread may still hold a reference for a
  // moment (see on_ready); the reactor is deleted with the last one.
  void OnDone() override { self_.reset(); }

 private:
  SubscribeReactor() = default;

  void Begin(Hub& hub, const grpc::ByteBuffer& raw_request, const std::string& peer) {
    v1::SubscribeRequest request;
    absl::Status status;
    grpc::ByteBuffer copy = raw_request;  // Shares slices; parsing consumes it.
    grpc::Status parsed =
        grpc::SerializationTraits<v1::SubscribeRequest>::Deserialize(&copy, &request);
    absl::StatusOr<SubscriptionOptions> options =
        parsed.ok() ? ToOptions(request, peer)
                    : absl::InvalidArgumentError("malformed SubscribeRequest");
    status = options.status();
    if (status.ok()) {
      std::weak_ptr<SubscribeReactor> weak = self_;
      absl::StatusOr<std::shared_ptr<Subscription>> sub =
          hub.Subscribe(*options, [weak] {
            if (auto reactor = weak.lock()) reactor->TryWrite();
          });
      if (sub.ok()) {
        absl::MutexLock lock(&mu_);
        subscription_ = *std::move(sub);
      } else {
        status = sub.status();
      }
    }
    if (!status.ok()) {
      {
        absl::MutexLock lock(&mu_);
        done_ = true;
      }
      Finish(ToGrpcStatus(status));
      return;
    }
    TryWrite();
  }

  // Writes the next batch unless a write is in flight. gRPC may run
  // reactions inline from StartWrite and Finish, so neither is called with
  // mu_ held.
  void TryWrite() {
    absl::Status end;
    {
      absl::MutexLock lock(&mu_);
      if (writing_ || done_ || subscription_ == nullptr) return;
      absl::StatusOr<std::vector<FrameRun>> frames =
          subscription_->Next(kMaxResponseBytes);
      if (!frames.ok()) {
        end = frames.status();
        done_ = true;
      } else if (frames->empty()) {
        return;  // The hub calls TryWrite again when there is more.
      } else {
        buffer_ = ToByteBuffer(*frames);
        writing_ = true;
      }
    }
    if (!end.ok()) {
      Finish(ToGrpcStatus(end));
      return;
    }
    StartWrite(&buffer_);
  }

  std::shared_ptr<SubscribeReactor> self_;

  absl::Mutex mu_;
  std::shared_ptr<Subscription> subscription_ ABSL_GUARDED_BY(mu_);
  // The response being written; stays untouched until OnWriteDone.
  grpc::ByteBuffer buffer_;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  // Finish was called or is about to be.
  bool done_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace

grpc::ServerWriteReactor<grpc::ByteBuffer>* StartSubscribeReactor(
    Hub& hub, const grpc::ByteBuffer& request, const std::string& peer) {
  return SubscribeReactor::Start(hub, request, peer);
}

}  // namespace newswire
