#include "service/client.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/client_callback.h"
#include "service/status.h"

namespace newswire {
namespace {

// Events buffered ahead of the reader before the stream stops reading.
constexpr size_t kReadAheadEvents = 4096;

// Makes one unary call with a deadline `timeout` from now.
template <typename Response, typename Request, typename Method>
absl::StatusOr<Response> Unary(v1::NewsFeed::Stub& stub, Method method,
                               const Request& request, absl::Duration timeout) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       absl::ToChronoMilliseconds(timeout));
  Response response;
  grpc::Status status = (stub.*method)(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

}  // namespace

// Reads SubscribeResponses with the callback API into a bounded queue.
class EventStream::Reader final
    : public grpc::ClientReadReactor<v1::SubscribeResponse> {
 public:
  void Begin(v1::NewsFeed::Stub* stub, const v1::SubscribeRequest& request) {
    stub->async()->Subscribe(&context_, &request, this);
    StartRead(&response_);
    StartCall();
  }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // The stream ended; OnDone follows with the status.
    bool read_more;
    {
      absl::MutexLock lock(&mu_);
      for (v1::FeedEvent& event : *response_.mutable_events()) {
        events_.push_back(std::move(event));
      }
      response_.Clear();
      read_more = events_.size() < kReadAheadEvents;
      paused_ = !read_more;  // Next resumes reading once the reader catches up.
    }
    if (read_more) StartRead(&response_);
  }

  void OnDone(const grpc::Status& status) override {
    absl::MutexLock lock(&mu_);
    status_ = FromGrpcStatus(status);
    if (status_.ok()) status_ = absl::UnavailableError("the server ended the stream");
    done_ = true;
  }

  absl::StatusOr<std::vector<v1::FeedEvent>> NextBatch(absl::Duration timeout,
                                                       size_t max_events) {
    bool resume = false;
    std::vector<v1::FeedEvent> batch;
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

  void Cancel() { context_.TryCancel(); }

  void AwaitDone() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(&done_));
  }

 private:
  grpc::ClientContext context_;
  v1::SubscribeResponse response_;
  absl::Mutex mu_;
  std::deque<v1::FeedEvent> events_ ABSL_GUARDED_BY(mu_);
  bool paused_ ABSL_GUARDED_BY(mu_) = false;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status status_ ABSL_GUARDED_BY(mu_);
};

EventStream::EventStream() : reader_(std::make_unique<Reader>()) {}

EventStream::~EventStream() {
  reader_->Cancel();
  reader_->AwaitDone();
}

absl::StatusOr<std::optional<v1::FeedEvent>> EventStream::Next(absl::Duration timeout) {
  absl::StatusOr<std::vector<v1::FeedEvent>> batch = reader_->NextBatch(timeout, 1);
  if (!batch.ok()) return batch.status();
  if (batch->empty()) return std::optional<v1::FeedEvent>();
  return std::move(batch->front());
}

absl::StatusOr<std::vector<v1::FeedEvent>> EventStream::NextBatch(absl::Duration timeout,
                                                                  size_t max_events) {
  return reader_->NextBatch(timeout, max_events);
}

void EventStream::Cancel() { reader_->Cancel(); }

Client::Client(const std::string& target)
    : target_(target),
      channel_(grpc::CreateChannel(target, grpc::InsecureChannelCredentials())),
      stub_(v1::NewsFeed::NewStub(channel_)) {}

absl::StatusOr<PublishResult> Client::Publish(const Article& article,
                                              absl::Duration timeout) {
  v1::PublishRequest request;
  *request.mutable_article() = article;
  absl::StatusOr<v1::PublishResponse> response = Unary<v1::PublishResponse>(
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
  return Unary<v1::GetArticleResponse>(*stub_, &v1::NewsFeed::Stub::GetArticle, request,
                                       timeout);
}

absl::StatusOr<v1::SearchArticlesResponse> Client::Search(
    const v1::SearchArticlesRequest& request, absl::Duration timeout) {
  return Unary<v1::SearchArticlesResponse>(*stub_, &v1::NewsFeed::Stub::SearchArticles,
                                           request, timeout);
}

std::unique_ptr<EventStream> Client::Subscribe(const v1::SubscribeRequest& request) {
  std::unique_ptr<EventStream> stream(new EventStream());
  stream->reader_->Begin(stub_.get(), request);
  return stream;
}

}  // namespace newswire
