#include "service/client.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/client_callback.h"
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

// Events buffered ahead of the reader before the stream stops reading.
constexpr size_t kReadAheadEvents = 4096;

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

// Reads SubscribeResponses raw with the callback API into a bounded queue
// of serialized events: the frames of SubscribeResponse.events are found,
// not parsed or copied (each stays in its response), so a caller that
// parses events itself (Python) pays for one parse, not a parse here and a
// serialization for it. The server-streaming
// method is called through the generic stub's bidi call (the request, then
// half-close), which is the same on the wire.
class EventStream::Reader final
    : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  void Begin(grpc::GenericStub& stub, const v1::SubscribeRequest& request,
             const std::string& key) {
    AddKey(context_, key);
    grpc::Slice bytes(request.SerializeAsString());
    request_ = grpc::ByteBuffer(&bytes, 1);
    stub.PrepareBidiStreamingCall(
        &context_, absl::StrCat("/", v1::NewsFeed::service_full_name(), "/Subscribe"),
        grpc::StubOptions(), this);
    StartWriteLast(&request_, grpc::WriteOptions());
    // Reads are resumed from outside the reactions (NextBatch, Cancel): the
    // hold keeps the call, and OnDone, until the last read has come back.
    AddHold();
    StartRead(&response_);
    StartCall();
  }

  void OnReadDone(bool ok) override {
    if (!ok) {  // The stream ended; OnDone follows with the status.
      RemoveHold();
      return;
    }
    auto slice = std::make_shared<grpc::Slice>();
    const bool readable = response_.DumpToSingleSlice(slice.get()).ok();
    response_.Clear();
    bool read_more = false;
    bool malformed = false;
    {
      absl::MutexLock lock(&mu_);
      const absl::string_view bytes(reinterpret_cast<const char*>(slice->begin()), slice->size());
      std::shared_ptr<const void> response = std::move(slice);
      if (!readable || !ForEachFramedEvent(bytes, [&](absl::string_view e) {
            events_.push_back(EventStream::Received{e, response});
          })) {
        // Nothing after a response that cannot be read can be trusted.
        malformed = malformed_ = true;
      } else {
        read_more = events_.size() < kReadAheadEvents;
        paused_ = !read_more;  // Next resumes reading once the reader catches up.
      }
    }
    if (read_more) StartRead(&response_);
    if (malformed) {
      context_.TryCancel();
      RemoveHold();  // No read is started again.
    }
  }

  void OnWriteDone(bool /*ok*/) override {}

  void OnDone(const grpc::Status& status) override {
    absl::MutexLock lock(&mu_);
    status_ = malformed_ ? absl::InternalError("malformed SubscribeResponse from the server")
                         : FromGrpcStatus(status);
    if (status_.ok()) status_ = absl::UnavailableError("the server ended the stream");
    done_ = true;
  }

  absl::StatusOr<std::vector<Received>> NextBatch(absl::Duration timeout, size_t max_events) {
    bool resume = false;
    std::vector<Received> batch;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
        return !events_.empty() || done_;
      };
      mu_.AwaitWithTimeout(absl::Condition(&ready), timeout);
      if (events_.empty()) {
        if (done_) return status_;
        return batch;
      }
      while (!events_.empty() && batch.size() < std::max<size_t>(max_events, 1)) {
        batch.push_back(std::move(events_.front()));
        events_.pop_front();
      }
      if (paused_ && events_.size() < kReadAheadEvents / 2) {
        paused_ = false;
        resume = true;
      }
    }
    // StartRead is not called under mu_: OnReadDone may run inline.
    if (resume) StartRead(&response_);
    return batch;
  }

  bool WaitReady(absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto ready = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return !events_.empty() || done_; };
    return mu_.AwaitWithTimeout(absl::Condition(&ready), timeout);
  }

  // Ends the call. A paused stream reads once more, so that the read comes
  // back failed and lets go of the hold.
  void Cancel() {
    context_.TryCancel();
    bool resume = false;
    {
      absl::MutexLock lock(&mu_);
      resume = paused_;
      paused_ = false;
    }
    if (resume) StartRead(&response_);
  }

  void AwaitDone() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(&done_));
  }

 private:
  grpc::ClientContext context_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
  absl::Mutex mu_;
  std::deque<Received> events_ ABSL_GUARDED_BY(mu_);
  bool paused_ ABSL_GUARDED_BY(mu_) = false;
  bool malformed_ ABSL_GUARDED_BY(mu_) = false;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status status_ ABSL_GUARDED_BY(mu_);
};

EventStream::EventStream() : reader_(std::make_unique<Reader>()) {}

EventStream::~EventStream() {
  reader_->Cancel();
  reader_->AwaitDone();
}

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
