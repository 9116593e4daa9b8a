#include "service/feed_service.h"

#include "service/publish_stream_reactor.h"
#include "service/status.h"

namespace newswire {

FeedService::FeedService(Wire* wire, const Store* store) : wire_(wire), store_(store) {}

grpc::ServerUnaryReactor* FeedService::Publish(
    grpc::CallbackServerContext* context, const v1::PublishRequest* request,
    v1::PublishResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (!request->has_article()) {
    reactor->Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                 "article: required"));
    return reactor;
  }
  absl::StatusOr<PublishResult> result = wire_->Publish(request->article());
  if (result.ok()) *response = ToPublishResponse(*result);
  reactor->Finish(ToGrpcStatus(result.status()));
  return reactor;
}

grpc::ServerBidiReactor<v1::PublishRequest, v1::PublishResponse>*
FeedService::PublishStream(grpc::CallbackServerContext* /*context*/) {
  return StartPublishStreamReactor(*wire_);
}

grpc::ServerUnaryReactor* FeedService::GetArticle(
    grpc::CallbackServerContext* context, const v1::GetArticleRequest* request,
    v1::GetArticleResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (request->id().empty()) {
    reactor->Finish(
        grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "id: required"));
    return reactor;
  }
  absl::StatusOr<StoredArticle> stored =
      store_->GetArticle(request->id(), request->version());
  if (stored.ok()) {
    const v1::ArticleView view = request->view() == v1::ARTICLE_VIEW_UNSPECIFIED
                                     ? v1::ARTICLE_VIEW_FULL
                                     : request->view();
    *response->mutable_article() = ArticleInView(stored->article, view);
    response->set_sequence(stored->sequence);
  }
  reactor->Finish(ToGrpcStatus(stored.status()));
  return reactor;
}

grpc::ServerUnaryReactor* FeedService::SearchArticles(
    grpc::CallbackServerContext* context, const v1::SearchArticlesRequest* request,
    v1::SearchArticlesResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::StatusOr<v1::SearchArticlesResponse> result = store_->Search(*request);
  if (result.ok()) *response = *std::move(result);
  reactor->Finish(ToGrpcStatus(result.status()));
  return reactor;
}

}  // namespace newswire
