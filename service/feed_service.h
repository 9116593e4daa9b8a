// The NewsFeed gRPC service: translates requests into calls on the core
// (Wire, Store) and absl::Status into gRPC status. Holds no logic of
// its own.
#ifndef NEWSWIRE_SERVICE_FEED_SERVICE_H_
#define NEWSWIRE_SERVICE_FEED_SERVICE_H_

#include "core/store.h"
#include "core/wire.h"
#include "newswire/v1/feed.grpc.pb.h"

namespace newswire {

// Subscribe is a raw method on the completion-queue API, served by a
// SubscribeQueue (service/subscribe_queue.h): its streams write pre-framed
// bytes shared by all subscribers. The other methods are callback methods.
class FeedService final
    : public v1::NewsFeed::WithRawMethod_Subscribe<v1::NewsFeed::WithCallbackMethod_Publish<
          v1::NewsFeed::WithCallbackMethod_PublishStream<
              v1::NewsFeed::WithCallbackMethod_GetArticle<
                  v1::NewsFeed::WithCallbackMethod_SearchArticles<v1::NewsFeed::Service>>>>> {
 public:
  // REQUIRES: all three outlive the service.
  FeedService(Wire* wire, const Store* store);

  grpc::ServerUnaryReactor* Publish(grpc::CallbackServerContext* context,
                                    const v1::PublishRequest* request,
                                    v1::PublishResponse* response) override;

  grpc::ServerBidiReactor<v1::PublishRequest, v1::PublishResponse>* PublishStream(
      grpc::CallbackServerContext* context) override;

  grpc::ServerUnaryReactor* SearchArticles(grpc::CallbackServerContext* context,
                                           const v1::SearchArticlesRequest* request,
                                           v1::SearchArticlesResponse* response) override;

  grpc::ServerUnaryReactor* GetArticle(grpc::CallbackServerContext* context,
                                       const v1::GetArticleRequest* request,
                                       v1::GetArticleResponse* response) override;

 private:
  Wire* const wire_;
  const Store* const store_;
};

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_FEED_SERVICE_H_
