#include "service/http_router.h"

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/base/quote_input.h"
#include "core/store/sqlite_search.h"

namespace newswire {

HttpResponse TextResponse(int status, absl::string_view text) {
  HttpResponse response;
  response.status = status;
  response.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
  response.body = absl::StrCat(text, "\n");
  return response;
}

absl::StatusOr<uint32_t> ParseLimitParam(absl::string_view value) {
  uint32_t limit = 0;
  if (!absl::SimpleAtoi(value, &limit) || limit < 1 || limit > kMaxSearchPageSize) {
    return absl::InvalidArgumentError(absl::StrCat("limit must be a number from 1 to ",
                                                   kMaxSearchPageSize, ", got ",
                                                   QuoteInput(value)));
  }
  return limit;
}

absl::StatusOr<v1::ArticleView> ParseViewParam(absl::string_view value) {
  if (value == "headline") return v1::ARTICLE_VIEW_HEADLINE;
  if (value == "full") return v1::ARTICLE_VIEW_FULL;
  return absl::InvalidArgumentError(
      absl::StrCat("view must be headline or full, got ", QuoteInput(value)));
}

HttpHandler Router(std::vector<HttpRoute> routes) {
  return [routes = std::move(routes)](const HttpRequest& request) {
    std::vector<absl::string_view> allowed;
    for (const HttpRoute& route : routes) {
      if (route.path != request.path) continue;
      if (route.method == request.method) return route.handler(request);
      allowed.push_back(route.method);
    }
    if (allowed.empty()) return TextResponse(404, absl::StrCat("no such path: ", request.path));
    HttpResponse response = TextResponse(
        405, absl::StrCat(request.method, " is not allowed on ", request.path));
    response.headers.emplace_back("Allow", absl::StrJoin(allowed, ", "));
    return response;
  };
}

}  // namespace newswire
