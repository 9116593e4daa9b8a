// The NewsFeed gRPC service: translates requests into calls on the core
// (Gate, Wire, Store) and absl::Status into gRPC status. Holds no logic of
// its own: every call is admitted by the Gate (the key in its metadata,
// the scope, the limits), and what it may publish or read is the policy's.
#ifndef NEWSWIRE_SERVICE_FEED_SERVICE_H_
#define NEWSWIRE_SERVICE_FEED_SERVICE_H_

#include "core/policy/gate.h"
#include "core/store/store.h"
#include "core/publish/wire.h"
#include "newswire/v1/feed.grpc.pb.h"
#include "service/publish_workers.h"
#include "service/server_metrics.h"

namespace newswire {

// Subscribe is a raw method on the completion-queue API, served by a
// SubscribeQueue (service/subscribe_queue.h): its streams write pre-framed
// bytes shared by all subscribers. PublishStream is a raw callback method
// (its reactor parses each request, see service/request_bytes.h). The
// unary methods are callback methods whose malformed requests are answered
// INVALID_ARGUMENT by ParseCheckedUnary.
// Threads unary publishes wait for their commit on.
inline constexpr int kPublishWorkers = 32;

class FeedService final
    : public v1::NewsFeed::WithRawMethod_Subscribe<v1::NewsFeed::WithCallbackMethod_Publish<
          v1::NewsFeed::WithRawCallbackMethod_PublishStream<
              v1::NewsFeed::WithCallbackMethod_GetArticle<
                  v1::NewsFeed::WithCallbackMethod_SearchArticles<v1::NewsFeed::Service>>>>> {
 public:
  // REQUIRES: all four outlive the service.
  FeedService(Wire* wire, const Store* store, Gate* gate, ServerMetrics* metrics);

  grpc::ServerUnaryReactor* Publish(grpc::CallbackServerContext* context,
                                    const v1::PublishRequest* request,
                                    v1::PublishResponse* response) override;

  grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* PublishStream(
      grpc::CallbackServerContext* context) override;

  grpc::ServerUnaryReactor* SearchArticles(grpc::CallbackServerContext* context,
                                           const v1::SearchArticlesRequest* request,
                                           v1::SearchArticlesResponse* response) override;

  grpc::ServerUnaryReactor* GetArticle(grpc::CallbackServerContext* context,
                                       const v1::GetArticleRequest* request,
                                       v1::GetArticleResponse* response) override;

  Gate& gate() { return *gate_; }
  ServerMetrics& metrics() { return *metrics_; }

 private:
  // The article GetArticle answers for `caller` (the held version for a
  // key with embargo preview, see GetArticleResponse.held).
  absl::StatusOr<v1::GetArticleResponse> Read(const Caller& caller,
                                              const v1::GetArticleRequest& request) const;

  Wire* const wire_;
  const Store* const store_;
  Gate* const gate_;
  ServerMetrics* const metrics_;
  // Last: destroyed first, after finishing what is queued.
  PublishWorkers publish_workers_;
};

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_FEED_SERVICE_H_
