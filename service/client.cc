#include "service/client.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpc/support/time.h"
#include "grpcpp/completion_queue.h"
#include "core/fanout/event_frame.h"
#include "service/message_limits.h"
#include "service/status.h"

namespace newswire {
namespace {

// Channel arguments for every client channel: responses may hold the
// largest valid article.
grpc::ChannelArguments ClientChannelArguments() {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(static_cast<int>(kMaxRpcMessageBytes));
  return args;
}

// Puts `key` in the call's metadata as a bearer token (what grpcio's
// access_token_call_credentials sends), also over plaintext.
void AddKey(grpc::ClientContext& context, const std::string& key) {
  if (!key.empty()) context.AddMetadata("authorization", absl::StrCat("Bearer ", key));
}

}  // namespace

template <typename Response, typename Stub, typename Request, typename Method>
absl::StatusOr<Response> Client::Call(Stub& stub, Method method, const Request& request,
                                      absl::Duration timeout) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       absl::ToChronoMilliseconds(timeout));
  AddKey(context, key_);
  Response response;
  grpc::Status status = (stub.*method)(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

// Reads SubscribeResponses raw, not parsed or copied: the frames of
// SubscribeResponse.events are found and each event stays in the response
// it came in, so a caller that parses events itself (Python) pays for one
// parse, not a parse here and a serialization for it. The server-streaming
// method is called through the generic stub's bidi call (the request, then
// half-close), which is the same on the wire.
//
// The call runs on a completion queue of its own, polled by the thread
// that asks for events, as grpcio's iterators are: no other thread reads
// the socket or hands events over, so a reader costs one thread, not two,
// and the server's sending shares the machine with nothing else of ours.
// While nobody asks, nothing reads: the kernel's buffers and HTTP/2 flow
// control hold the server back, which then drops the subscriber to
// catch-up, costing it nothing. A read is kept outstanding, so each poll
// takes whatever arrived since the last one.
class EventStream::Reader {
 public:
  void Begin(grpc::GenericStub& stub, const v1::SubscribeRequest& request,
             const std::string& key) {
    AddKey(context_, key);
    grpc::Slice bytes(request.SerializeAsString());
    request_ = grpc::ByteBuffer(&bytes, 1);
    call_ = stub.PrepareCall(
        &context_, absl::StrCat("/", v1::NewsFeed::service_full_name(), "/Subscribe"), &cq_);
    absl::MutexLock lock(&mu_);
    // The call's headers go out with the request, in one operation: the
    // start's own tag never completes.
    context_.set_initial_metadata_corked(true);
    call_->StartCall(nullptr);
    call_->WriteLast(request_, grpc::WriteOptions(), Tag(Op::kWrite));
    sending_ = true;
    StartRead();
    // The request is on its way before Subscribe returns, as it would be
    // from a thread of gRPC's: a subscriber that publishes next finds its
    // stream open (or ended, when the server cannot be reached).
    while (sending_ && Poll(absl::InfiniteFuture())) {
    }
  }

  absl::StatusOr<std::vector<Received>> NextBatch(absl::Duration timeout, size_t max_events) {
    max_events = std::max<size_t>(max_events, 1);
    absl::MutexLock lock(&mu_);
    const absl::Time deadline = absl::Now() + timeout;
    while (events_.empty() && !done_ && Poll(deadline)) {
    }
    // Then whatever else has already arrived, without waiting.
    while (events_.size() < max_events && !done_ && Poll(absl::InfinitePast())) {
    }
    std::vector<Received> batch;
    if (events_.empty()) {
      if (done_) return status_;
      return batch;
    }
    const size_t n = std::min(events_.size(), max_events);
    batch.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      batch.push_back(std::move(events_.front()));
      events_.pop_front();
    }
    return batch;
  }

  bool WaitReady(absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    const absl::Time deadline = absl::Now() + timeout;
    while (events_.empty() && !done_ && Poll(deadline)) {
    }
    return !events_.empty() || done_;
  }

  // Ends the call: the outstanding read comes back failed, then the status.
  void Cancel() { context_.TryCancel(); }

  // Cancels the call, waits for its status, and drains the queue.
  void End() {
    context_.TryCancel();
    absl::MutexLock lock(&mu_);
    while (!done_ && Poll(absl::InfiniteFuture())) {
    }
    cq_.Shutdown();
    void* tag;
    bool ok;
    while (cq_.Next(&tag, &ok)) {
    }
  }

 private:
  enum class Op : uintptr_t { kWrite = 1, kRead, kFinish };
  static void* Tag(Op op) { return reinterpret_cast<void*>(static_cast<uintptr_t>(op)); }

  void StartRead() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    response_.Clear();
    call_->Read(&response_, Tag(Op::kRead));
  }

  // Waits until `deadline` (InfinitePast: looks once, without waiting) for
  // one operation to complete, and takes it in. False if none did.
  bool Poll(absl::Time deadline) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    gpr_timespec until = gpr_inf_future(GPR_CLOCK_REALTIME);
    if (deadline == absl::InfinitePast()) {
      until = gpr_time_0(GPR_CLOCK_REALTIME);
    } else if (deadline != absl::InfiniteFuture()) {
      const timespec t = absl::ToTimespec(deadline);
      until = gpr_timespec{t.tv_sec, static_cast<int32_t>(t.tv_nsec), GPR_CLOCK_REALTIME};
    }
    void* tag = nullptr;
    bool ok = false;
    const grpc::CompletionQueue::NextStatus next = cq_.AsyncNext(&tag, &ok, until);
    if (next != grpc::CompletionQueue::GOT_EVENT) {
      if (next == grpc::CompletionQueue::SHUTDOWN) {  // Only after End.
        if (status_.ok()) status_ = absl::CancelledError("the stream was closed");
        done_ = true;
      }
      return false;
    }
    switch (static_cast<Op>(reinterpret_cast<uintptr_t>(tag))) {
      case Op::kWrite:
        sending_ = false;  // A failure shows as the read's, then the status.
        break;
      case Op::kRead:
        if (ok && TakeResponse()) {
          StartRead();
        } else {
          if (ok) context_.TryCancel();  // Malformed: nothing after it can be trusted.
          call_->Finish(&finish_status_, Tag(Op::kFinish));
        }
        break;
      case Op::kFinish:
        status_ = malformed_ ? absl::InternalError("malformed SubscribeResponse from the server")
                             : FromGrpcStatus(finish_status_);
        if (status_.ok()) status_ = absl::UnavailableError("the server ended the stream");
        done_ = true;
        break;
    }
    return true;
  }

  // Queues the events of the response just read; false if it is malformed.
  bool TakeResponse() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    auto slice = std::make_shared<grpc::Slice>();
    const bool readable = response_.DumpToSingleSlice(slice.get()).ok();
    const absl::string_view bytes(reinterpret_cast<const char*>(slice->begin()), slice->size());
    std::shared_ptr<const void> response = std::move(slice);
    if (!readable || !ForEachFramedEvent(bytes, [&](absl::string_view e) {
          events_.push_back(EventStream::Received{e, response});
        })) {
      malformed_ = true;
    }
    return !malformed_;
  }

  grpc::ClientContext context_;
  grpc::CompletionQueue cq_;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call_;
  grpc::ByteBuffer request_;
  // Polling, and everything below, is one thread's at a time.
  absl::Mutex mu_;
  grpc::ByteBuffer response_ ABSL_GUARDED_BY(mu_);
  grpc::Status finish_status_ ABSL_GUARDED_BY(mu_);
  bool sending_ ABSL_GUARDED_BY(mu_) = false;
  std::deque<Received> events_ ABSL_GUARDED_BY(mu_);
  bool malformed_ ABSL_GUARDED_BY(mu_) = false;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status status_ ABSL_GUARDED_BY(mu_);
};

EventStream::EventStream() : reader_(std::make_unique<Reader>()) {}

EventStream::~EventStream() { reader_->End(); }

absl::StatusOr<std::optional<v1::FeedEvent>> EventStream::Next(absl::Duration timeout) {
  absl::StatusOr<std::vector<v1::FeedEvent>> batch = NextBatch(timeout, 1);
  if (!batch.ok()) return batch.status();
  if (batch->empty()) return std::optional<v1::FeedEvent>();
  return std::move(batch->front());
}

absl::StatusOr<std::vector<v1::FeedEvent>> EventStream::NextBatch(absl::Duration timeout,
                                                                  size_t max_events) {
  absl::StatusOr<std::vector<Received>> received = reader_->NextBatch(timeout, max_events);
  if (!received.ok()) return received.status();
  std::vector<v1::FeedEvent> events(received->size());
  for (size_t i = 0; i < events.size(); ++i) {
    const absl::string_view bytes = (*received)[i].bytes;
    if (!events[i].ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      return absl::InternalError("malformed FeedEvent from the server");
    }
  }
  return events;
}

absl::StatusOr<std::vector<EventStream::Received>> EventStream::NextReceivedBatch(
    absl::Duration timeout, size_t max_events) {
  return reader_->NextBatch(timeout, max_events);
}

bool EventStream::WaitReady(absl::Duration timeout) { return reader_->WaitReady(timeout); }

void EventStream::Cancel() { reader_->Cancel(); }

Client::Client(const std::string& target)
    : Client(target,
             grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(),
                                       ClientChannelArguments()),
             "") {}

Client::Client(const std::string& target, std::shared_ptr<grpc::Channel> channel,
               std::string key)
    : target_(target),
      key_(std::move(key)),
      channel_(std::move(channel)),
      stub_(v1::NewsFeed::NewStub(channel_)),
      account_stub_(v1::Account::NewStub(channel_)),
      admin_stub_(v1::Admin::NewStub(channel_)),
      generic_stub_(std::make_unique<grpc::GenericStub>(channel_)) {}

absl::StatusOr<std::unique_ptr<Client>> Client::Open(const std::string& target,
                                                     const ClientOptions& options) {
  for (char c : options.key) {
    // gRPC would refuse the metadata value: say what is wrong instead.
    if (c < 0x21 || c > 0x7e) {
      return absl::InvalidArgumentError("the API key holds a space or a control character");
    }
  }
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      OpenChannel(target, options.tls, ClientChannelArguments());
  if (!channel.ok()) return channel.status();
  return std::unique_ptr<Client>(new Client(target, *std::move(channel), options.key));
}

absl::StatusOr<PublishResult> Client::Publish(const Article& article,
                                              absl::Duration timeout) {
  // Refused here by name, rather than by the server's transport.
  if (absl::Status s = CheckArticleSize(article); !s.ok()) return s;
  v1::PublishRequest request;
  *request.mutable_article() = article;
  absl::StatusOr<v1::PublishResponse> response = Call<v1::PublishResponse>(
      *stub_, &v1::NewsFeed::Stub::Publish, request, timeout);
  if (!response.ok()) return response.status();
  return FromPublishResponse(*response);
}

absl::StatusOr<v1::GetArticleResponse> Client::Get(const std::string& id,
                                                   uint32_t version,
                                                   v1::ArticleView view,
                                                   absl::Duration timeout) {
  v1::GetArticleRequest request;
  request.set_id(id);
  request.set_version(version);
  request.set_view(view);
  return Call<v1::GetArticleResponse>(*stub_, &v1::NewsFeed::Stub::GetArticle, request,
                                      timeout);
}

absl::StatusOr<v1::SearchArticlesResponse> Client::Search(
    const v1::SearchArticlesRequest& request, absl::Duration timeout) {
  return Call<v1::SearchArticlesResponse>(*stub_, &v1::NewsFeed::Stub::SearchArticles,
                                          request, timeout);
}

std::unique_ptr<EventStream> Client::Subscribe(const v1::SubscribeRequest& request) {
  std::unique_ptr<EventStream> stream(new EventStream());
  stream->reader_->Begin(*generic_stub_, request, key_);
  return stream;
}

absl::StatusOr<v1::GetEntitlementsResponse> Client::GetEntitlements(absl::Duration timeout) {
  return Call<v1::GetEntitlementsResponse>(*account_stub_, &v1::Account::Stub::GetEntitlements,
                                           v1::GetEntitlementsRequest(), timeout);
}

absl::StatusOr<v1::CreateKeyResponse> Client::CreateKey(const v1::CreateKeyRequest& request,
                                                        absl::Duration timeout) {
  return Call<v1::CreateKeyResponse>(*admin_stub_, &v1::Admin::Stub::CreateKey, request,
                                     timeout);
}

absl::StatusOr<v1::ListKeysResponse> Client::ListKeys(absl::Duration timeout) {
  return Call<v1::ListKeysResponse>(*admin_stub_, &v1::Admin::Stub::ListKeys,
                                    v1::ListKeysRequest(), timeout);
}

absl::StatusOr<v1::RevokeKeyResponse> Client::RevokeKey(const std::string& id,
                                                        absl::Duration timeout) {
  v1::RevokeKeyRequest request;
  request.set_id(id);
  return Call<v1::RevokeKeyResponse>(*admin_stub_, &v1::Admin::Stub::RevokeKey, request,
                                     timeout);
}

absl::StatusOr<v1::CreateKeyResponse> Client::RotateKey(const v1::RotateKeyRequest& request,
                                                        absl::Duration timeout) {
  return Call<v1::CreateKeyResponse>(*admin_stub_, &v1::Admin::Stub::RotateKey, request,
                                     timeout);
}

absl::StatusOr<v1::ReadAuditResponse> Client::ReadAudit(const v1::ReadAuditRequest& request,
                                                        absl::Duration timeout) {
  return Call<v1::ReadAuditResponse>(*admin_stub_, &v1::Admin::Stub::ReadAudit, request,
                                     timeout);
}

}  // namespace newswire
