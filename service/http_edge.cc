#include "service/http_edge.h"

#include <utility>
#include <vector>

#include "service/http_events.h"
#include "service/http_feeds.h"
#include "service/http_router.h"

namespace newswire {

absl::StatusOr<std::unique_ptr<HttpEdge>> HttpEdge::Start(const HttpEdgeOptions& options,
                                                           Server& server) {
  std::unique_ptr<HttpEdge> edge(new HttpEdge());
  std::vector<HttpRoute> routes = FeedRoutes(server.store());
  for (HttpRoute& route : EventStreamRoutes(server.hub(), edge->encoder_)) {
    routes.push_back(std::move(route));
  }
  HttpServerOptions http;
  http.listen = options.listen;
  absl::StatusOr<std::unique_ptr<HttpServer>> started =
      HttpServer::Start(http, Router(std::move(routes)));
  if (!started.ok()) return started.status();
  edge->http_ = *std::move(started);
  return edge;
}

HttpEdge::~HttpEdge() { Shutdown(); }

}  // namespace newswire
