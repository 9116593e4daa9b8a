#include "service/feed_service.h"

#include <utility>

#include "core/model/article.h"
#include "core/policy/policy.h"
#include "service/call_credentials.h"
#include "service/publish_stream_reactor.h"
#include "service/request_bytes.h"
#include "service/status.h"

namespace newswire {

FeedService::FeedService(Wire* wire, const Store* store, Gate* gate, ServerMetrics* metrics)
    : wire_(wire),
      store_(store),
      gate_(gate),
      metrics_(metrics),
      publish_workers_(kPublishWorkers) {
  const char* const service = v1::NewsFeed::service_full_name();
  MarkMethodCallback(MethodIndex(service, "Publish"),
                     ParseCheckedUnary(this, &FeedService::Publish));
  MarkMethodCallback(MethodIndex(service, "GetArticle"),
                     ParseCheckedUnary(this, &FeedService::GetArticle));
  MarkMethodCallback(MethodIndex(service, "SearchArticles"),
                     ParseCheckedUnary(this, &FeedService::SearchArticles));
}

grpc::ServerUnaryReactor* FeedService::Publish(
    grpc::CallbackServerContext* context, const v1::PublishRequest* request,
    v1::PublishResponse* response) {
  absl::StatusOr<Caller> caller =
      gate_->Admit(CallCredentials(*context), "Publish", Action::kPublish);
  if (!caller.ok()) return FinishUnary(context, caller.status());
  if (!request->has_article()) {
    return FinishUnary(context, absl::InvalidArgumentError("article: required"));
  }
  // The wait for the commit happens on a worker (see PublishWorkers); the
  // request and response live until the call is finished.
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  publish_workers_.Run([this, reactor, request, response, caller = *std::move(caller)] {
    absl::StatusOr<PublishResult> result = wire_->Publish(request->article(), caller);
    if (result.ok()) *response = ToPublishResponse(*result);
    reactor->Finish(ToGrpcStatus(result.status()));
  });
  return reactor;
}

grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* FeedService::PublishStream(
    grpc::CallbackServerContext* context) {
  return StartPublishStreamReactor(
      *wire_, *gate_, gate_->Admit(CallCredentials(*context), "PublishStream", Action::kPublish));
}

absl::StatusOr<v1::GetArticleResponse> FeedService::Read(
    const Caller& caller, const v1::GetArticleRequest& request) const {
  const Principal& principal = *caller.principal;
  absl::StatusOr<StoredArticle> stored = store_->GetArticle(request.id(), request.version());
  if (!stored.ok() && !absl::IsNotFound(stored.status())) return stored.status();
  v1::GetArticleResponse response;
  if (principal.entitlements().embargo_preview()) {
    absl::StatusOr<std::optional<Article>> held = store_->GetHeld(request.id());
    if (!held.ok()) return held.status();
    if (held->has_value() &&
        (request.version() == 0 ? !stored.ok() ||
                                      (*held)->version() > stored->article.version()
                                : (*held)->version() == request.version())) {
      *response.mutable_article() = **std::move(held);
      response.set_held(true);
    }
  }
  if (!response.held()) {
    if (!stored.ok()) return stored.status();
    *response.mutable_article() = std::move(stored->article);
    response.set_sequence(stored->sequence);
  }
  if (absl::Status s = AuthorizeRead(principal, response.article()); !s.ok()) {
    return gate_->Deny(caller, std::move(s));
  }
  const v1::ArticleView view = request.view() == v1::ARTICLE_VIEW_UNSPECIFIED
                                   ? v1::ARTICLE_VIEW_FULL
                                   : request.view();
  if (view != v1::ARTICLE_VIEW_FULL) {
    *response.mutable_article() = ArticleInView(response.article(), view);
  }
  return response;
}

grpc::ServerUnaryReactor* FeedService::GetArticle(
    grpc::CallbackServerContext* context, const v1::GetArticleRequest* request,
    v1::GetArticleResponse* response) {
  absl::StatusOr<Caller> caller =
      gate_->Admit(CallCredentials(*context), "GetArticle", Action::kRead);
  if (!caller.ok()) return FinishUnary(context, caller.status());
  if (request->id().empty()) {
    return FinishUnary(context, absl::InvalidArgumentError("id: required"));
  }
  if (absl::Status s = CheckIdSize("id", request->id()); !s.ok()) {
    return FinishUnary(context, s);
  }
  absl::StatusOr<v1::GetArticleResponse> read = Read(*caller, *request);
  if (read.ok()) *response = *std::move(read);
  return FinishUnary(context, read.status());
}

grpc::ServerUnaryReactor* FeedService::SearchArticles(
    grpc::CallbackServerContext* context, const v1::SearchArticlesRequest* request,
    v1::SearchArticlesResponse* response) {
  absl::StatusOr<Caller> caller =
      gate_->Admit(CallCredentials(*context), "SearchArticles", Action::kSearch);
  if (!caller.ok()) return FinishUnary(context, caller.status());
  absl::StatusOr<v1::Filter> filter = EntitledFilter(*caller->principal, request->filter());
  if (!filter.ok()) return FinishUnary(context, gate_->Deny(*caller, filter.status()));
  absl::StatusOr<v1::SearchArticlesResponse> result;
  const absl::Time start = absl::Now();
  if (caller->principal->read_filter().ByteSizeLong() == 0) {
    result = store_->Search(*request);
  } else {
    v1::SearchArticlesRequest narrowed = *request;
    *narrowed.mutable_filter() = *std::move(filter);
    result = store_->Search(narrowed);
  }
  metrics_->CountSearch(absl::Now() - start);
  if (result.ok()) *response = *std::move(result);
  return FinishUnary(context, result.status());
}

}  // namespace newswire
