#include "service/http_router.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace newswire {

HttpResponse TextResponse(int status, absl::string_view text) {
  HttpResponse response;
  response.status = status;
  response.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
  response.body = absl::StrCat(text, "\n");
  return response;
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
