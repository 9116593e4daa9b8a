#include "service/http_edge.h"

#include <utility>
#include <vector>

#include "service/http_events.h"
#include "service/http_feeds.h"
#include "service/http_router.h"
#include "service/http_search.h"
#include "service/monitor_page.h"

namespace newswire {

absl::StatusOr<std::unique_ptr<HttpEdge>> HttpEdge::Start(const HttpEdgeOptions& options,
                                                           Server& server) {
  std::unique_ptr<HttpEdge> edge(new HttpEdge());
  std::vector<HttpRoute> routes = FeedRoutes(server.store());
  for (std::vector<HttpRoute> more :
       {EventStreamRoutes(server.hub(), edge->encoder_), SearchRoutes(server.store()),
        MonitorRoutes()}) {
    for (HttpRoute& route : more) routes.push_back(std::move(route));
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
