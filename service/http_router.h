// Routing for the HTTP edge: each route is a path and a method with its
// handler; the router answers the rest (404 naming an unknown path, 405
// with Allow for a method the path does not take).
#ifndef NEWSWIRE_SERVICE_HTTP_ROUTER_H_
#define NEWSWIRE_SERVICE_HTTP_ROUTER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "newswire/v1/feed.pb.h"
#include "service/http_server.h"

namespace newswire {

struct HttpRoute {
  std::string method;  // "GET", "POST".
  std::string path;    // Exact: "/v1/feed.atom".
  HttpHandler handler;
};

// A handler that dispatches to `routes`.
HttpHandler Router(std::vector<HttpRoute> routes);

// A plain-text answer: `text` and a newline.
HttpResponse TextResponse(int status, absl::string_view text);

// Query parameter values more than one route takes, each INVALID_ARGUMENT
// naming the parameter and quoting the value:
// `limit=`, 1 to kMaxSearchPageSize;
absl::StatusOr<uint32_t> ParseLimitParam(absl::string_view value);
// `view=`, headline or full.
absl::StatusOr<v1::ArticleView> ParseViewParam(absl::string_view value);

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_HTTP_ROUTER_H_
