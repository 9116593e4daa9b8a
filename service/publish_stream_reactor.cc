#include "service/publish_stream_reactor.h"

#include <deque>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "service/request_bytes.h"
#include "service/status.h"

namespace newswire {
namespace {

// Acks written ahead of the client's reading before the stream stops
// reading requests (flow control for a client that does not read acks).
constexpr size_t kMaxPendingAcks = 64;

class PublishStreamReactor final
    : public grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  PublishStreamReactor(Wire& wire, Gate& gate, absl::StatusOr<Caller> caller)
      : wire_(wire), gate_(gate) {
    if (!caller.ok()) {
      // Refused: nothing is read.
      {
        absl::MutexLock lock(&mu_);
        reading_ = false;
        reads_done_ = finished_ = true;
      }
      Finish(ToGrpcStatus(caller.status()));
      return;
    }
    caller_ = *std::move(caller);
    StartRead(&request_bytes_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {  // The client finished sending (or went away).
      {
        absl::MutexLock lock(&mu_);
        reads_done_ = true;
        reading_ = false;
      }
      MaybeWriteOrFinish();
      return;
    }
    ++received_;
    absl::Status status = ParseRequest(request_bytes_, &request_);
    if (!status.ok()) {
      // Malformed: ends the stream like any other refused article.
    } else if (!request_.has_article()) {
      status = absl::InvalidArgumentError("article: required");
    } else if (received_ > 1 && !(status = gate_.Readmit(caller_, Action::kPublish)).ok()) {
      // The key was revoked or went over its rate since the stream began.
    } else {
      // Blocks this callback thread until the article is durable; the next
      // read starts only after, so acks stay in order.
      absl::StatusOr<PublishResult> result = wire_.Publish(request_.article(), caller_);
      if (result.ok()) {
        grpc::ByteBuffer ack;
        bool own_buffer;
        (void)grpc::SerializationTraits<v1::PublishResponse>::Serialize(
            ToPublishResponse(*result), &ack, &own_buffer);
        absl::MutexLock lock(&mu_);
        acks_.push_back(std::move(ack));
      } else {
        status = result.status();
      }
    }
    bool read_more;
    {
      absl::MutexLock lock(&mu_);
      if (!status.ok()) {
        error_ = absl::Status(status.code(), absl::StrCat("article ", received_,
                                                          " of the stream: ",
                                                          status.message()));
        reads_done_ = true;
      }
      read_more = !reads_done_ && acks_.size() < kMaxPendingAcks;
      reading_ = read_more;
    }
    MaybeWriteOrFinish();
    if (read_more) StartRead(&request_bytes_);
  }

  void OnWriteDone(bool ok) override {
    bool read_more = false;
    {
      absl::MutexLock lock(&mu_);
      writing_ = false;
      if (!ok) {
        // The client went away: stop, finishing once.
        reads_done_ = true;
        acks_.clear();
        if (error_.ok()) error_ = absl::CancelledError("the client went away");
      } else {
        acks_.pop_front();
        // Reading paused for a client slow to take acks: resume.
        read_more = !reads_done_ && !reading_ && acks_.size() < kMaxPendingAcks;
        reading_ = reading_ || read_more;
      }
    }
    MaybeWriteOrFinish();
    if (read_more) StartRead(&request_bytes_);
  }

  void OnDone() override { delete this; }

 private:
  // Writes the next ack, or finishes once everything is read and written.
  // Never calls into gRPC with mu_ held: reactions may run inline.
  void MaybeWriteOrFinish() {
    const grpc::ByteBuffer* to_write = nullptr;
    bool finish = false;
    absl::Status status;
    {
      absl::MutexLock lock(&mu_);
      if (writing_ || finished_) return;
      if (!acks_.empty()) {
        writing_ = true;
        to_write = &acks_.front();  // Stable: a deque keeps its elements.
      } else if (reads_done_ && !reading_) {
        finished_ = finish = true;
        status = error_;
      }
    }
    if (to_write != nullptr) StartWrite(to_write);
    if (finish) Finish(ToGrpcStatus(status));
  }

  Wire& wire_;
  Gate& gate_;
  Caller caller_;               // Set before the first read.
  grpc::ByteBuffer request_bytes_;  // Touched only by the read path.
  v1::PublishRequest request_;      // Likewise: request_bytes_ parsed.
  uint64_t received_ = 0;           // Likewise.

  absl::Mutex mu_;
  // Serialized PublishResponses.
  std::deque<grpc::ByteBuffer> acks_ ABSL_GUARDED_BY(mu_);
  absl::Status error_ ABSL_GUARDED_BY(mu_);
  bool reading_ ABSL_GUARDED_BY(mu_) = true;
  bool reads_done_ ABSL_GUARDED_BY(mu_) = false;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace

grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* StartPublishStreamReactor(
    Wire& wire, Gate& gate, absl::StatusOr<Caller> caller) {
  return new PublishStreamReactor(wire, gate, std::move(caller));
}

}  // namespace newswire
