// The NewsFeed gRPC service: translates requests into calls on the core
// (Wire, Hub, Store) and absl::Status into gRPC status. Holds no logic of
// its own.
#ifndef NEWSWIRE_SERVICE_FEED_SERVICE_H_
#define NEWSWIRE_SERVICE_FEED_SERVICE_H_

#include "core/hub.h"
#include "core/store.h"
#include "core/wire.h"
#include "newswire/v1/feed.grpc.pb.h"

namespace newswire {

// Subscribe is a raw method: the stream writes pre-framed bytes shared by
// all subscribers.
class FeedService final
    : public v1::NewsFeed::WithRawCallbackMethod_Subscribe<
          v1::NewsFeed::CallbackService> {
 public:
  // REQUIRES: all three outlive the service.
  FeedService(Wire* wire, Hub* hub, const Store* store);

  grpc::ServerUnaryReactor* Publish(grpc::CallbackServerContext* context,
                                    const v1::PublishRequest* request,
                                    v1::PublishResponse* response) override;

  grpc::ServerBidiReactor<v1::PublishRequest, v1::PublishResponse>* PublishStream(
      grpc::CallbackServerContext* context) override;

  grpc::ServerWriteReactor<grpc::ByteBuffer>* Subscribe(
      grpc::CallbackServerContext* context,
      const grpc::ByteBuffer* request) override;

  grpc::ServerUnaryReactor* SearchArticles(grpc::CallbackServerContext* context,
                                           const v1::SearchArticlesRequest* request,
                                           v1::SearchArticlesResponse* response) override;

  grpc::ServerUnaryReactor* GetArticle(grpc::CallbackServerContext* context,
                                       const v1::GetArticleRequest* request,
                                       v1::GetArticleResponse* response) override;

 private:
  Wire* const wire_;
  Hub* const hub_;
  const Store* const store_;
};

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_FEED_SERVICE_H_
