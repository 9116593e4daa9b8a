#include "service/http_search.h"

#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
#include "absl/strings/str_cat.h"
#include "core/base/quote_input.h"
#include "core/search/filter_query.h"
#include "core/policy/policy.h"
#include "core/store/sqlite_search.h"
#include "service/format.h"
#include "service/http_auth.h"

namespace newswire {
namespace {

constexpr uint32_t kDefaultSearchHits = 20;

absl::StatusOr<v1::SearchArticlesRequest> SearchRequest(const HttpRequest& request) {
  absl::StatusOr<QueryParts> parts =
      TakeQueryParams(request.query, {"order", "limit", "page", "view"});
  if (!parts.ok()) return parts.status();
  absl::StatusOr<v1::Filter> filter = ParseFilterQuery(parts->rest);
  if (!filter.ok()) return filter.status();
  v1::SearchArticlesRequest search;
  search.set_query(filter->query());
  filter->clear_query();
  *search.mutable_filter() = *std::move(filter);
  search.set_page_size(kDefaultSearchHits);
  const auto& taken = parts->taken;
  if (auto it = taken.find("order"); it != taken.end()) {
    if (it->second == "newest") {
      search.set_order(v1::SearchArticlesRequest::ORDER_NEWEST);
    } else if (it->second == "relevance") {
      search.set_order(v1::SearchArticlesRequest::ORDER_RELEVANCE);
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("order must be relevance or newest, got ", QuoteInput(it->second)));
    }
  }
  if (auto it = taken.find("limit"); it != taken.end()) {
    absl::StatusOr<uint32_t> limit = ParseLimitParam(it->second);
    if (!limit.ok()) return limit.status();
    search.set_page_size(*limit);
  }
  if (auto it = taken.find("page"); it != taken.end()) search.set_page_token(it->second);
  if (auto it = taken.find("view"); it != taken.end()) {
    absl::StatusOr<v1::ArticleView> view = ParseViewParam(it->second);
    if (!view.ok()) return view.status();
    search.set_view(*view);
  }
  return search;
}

HttpResponse ServeSearch(const Store& store, Gate& gate, ServerMetrics& metrics,
                         const HttpRequest& request, const Caller& caller) {
  absl::StatusOr<v1::SearchArticlesRequest> search = SearchRequest(request);
  if (!search.ok()) return TextResponse(400, search.status().message());
  absl::StatusOr<v1::Filter> entitled = EntitledFilter(*caller.principal, search->filter());
  if (!entitled.ok()) return HttpDenial(gate.Deny(caller, entitled.status()));
  *search->mutable_filter() = *std::move(entitled);
  const absl::Time start = absl::Now();
  absl::StatusOr<v1::SearchArticlesResponse> found = store.Search(*search);
  metrics.CountSearch(absl::Now() - start);
  if (!found.ok()) {
    if (found.status().code() == absl::StatusCode::kInvalidArgument) {
      return TextResponse(400, found.status().message());
    }
    return TextResponse(500, found.status().message());
  }
  HttpResponse response;
  response.headers = {{"Content-Type", "application/json"}, {"Cache-Control", "no-cache"}};
  response.body = absl::StrCat(ToJsonLine(*found), "\n");
  return response;
}

}  // namespace

std::vector<HttpRoute> SearchRoutes(const Store& store, Gate& gate, ServerMetrics& metrics) {
  return {{"GET", "/v1/search",
           Guarded(gate, "GET /v1/search", Action::kSearch,
                   [&store, &gate, &metrics](const HttpRequest& request, const Caller& caller) {
                     return ServeSearch(store, gate, metrics, request, caller);
                   })}};
}

}  // namespace newswire
