#include "service/http_edge.h"

#include <utility>
#include <vector>

#include "service/http_auth.h"
#include "service/http_events.h"
#include "service/http_feeds.h"
#include "service/http_router.h"
#include "service/http_search.h"
#include "service/monitor_page.h"

namespace newswire {

absl::StatusOr<std::unique_ptr<HttpEdge>> HttpEdge::Start(const HttpEdgeOptions& options,
                                                           Server& server) {
  std::unique_ptr<HttpEdge> edge(new HttpEdge());
  ServerMetrics& metrics = server.metrics();
  Gate& gate = server.gate();
  std::vector<HttpRoute> routes = FeedRoutes(server.store(), gate);
  for (std::vector<HttpRoute> more :
       {EventStreamRoutes(server.hub(), gate, edge->encoder_, metrics),
        SearchRoutes(server.store(), gate, metrics), MonitorRoutes(gate)}) {
    for (HttpRoute& route : more) routes.push_back(std::move(route));
  }
  // Counts only, no articles: any valid key may read them.
  routes.push_back({"GET", "/metrics",
                    Guarded(gate, "GET /metrics", Action::kAccount,
                            [&metrics](const HttpRequest&, const Caller&) {
                              HttpResponse response;
                              response.headers = {
                                  {"Content-Type", "text/plain; version=0.0.4; charset=utf-8"},
                                  {"Cache-Control", "no-store"}};
                              response.body = metrics.Render();
                              return response;
                            })});

  if (options.access_log != nullptr) edge->access_log_.emplace(*options.access_log);
  HttpServerOptions http;
  http.listen = options.listen;
  http.observer = [&metrics, log = edge->access_log_ ? &*edge->access_log_ : nullptr](
                      const HttpExchange& exchange) {
    if (!exchange.streamed) metrics.CountHttp(exchange.status, exchange.duration);
    if (log != nullptr) log->Write(exchange);
  };
  absl::StatusOr<std::unique_ptr<HttpServer>> started =
      HttpServer::Start(http, Router(std::move(routes)));
  if (!started.ok()) return started.status();
  edge->http_ = *std::move(started);
  return edge;
}

HttpEdge::~HttpEdge() {
  if (http_ != nullptr) Shutdown();
}

}  // namespace newswire
