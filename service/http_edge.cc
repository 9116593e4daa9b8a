#include "service/http_edge.h"

#include <utility>
#include <vector>

#include "core/policy/policy.h"
#include "core/store/jetstream_websub.h"
#include "service/http_auth.h"
#include "service/http_events.h"
#include "service/http_feeds.h"
#include "service/http_router.h"
#include "service/http_search.h"
#include "service/monitor_page.h"
#include "service/websub_request.h"

namespace newswire {
namespace {

// A subscription to a topic runs with the key that asked for it: the
// topic's filter must be within the key's entitlements (deliveries are not
// narrowed later), else 403 naming what is outside.
HttpResponse ServeWebSub(WebSubHub& hub, Gate& gate, const HttpRequest& request,
                         const Caller& caller) {
  if (absl::StatusOr<WebSubRequest> parsed = ParseWebSubRequest(request.body); parsed.ok()) {
    const v1::Filter& topic = parsed->topic.filter;
    absl::StatusOr<v1::Filter> entitled = EntitledFilter(*caller.principal, topic);
    if (!entitled.ok()) return HttpDenial(gate.Deny(caller, entitled.status()));
    if (entitled->SerializeAsString() != topic.SerializeAsString()) {
      return HttpDenial(gate.Deny(
          caller, absl::PermissionDeniedError(
                      "hub.topic: the feed's filter reaches beyond this key's "
                      "entitlements; subscribe to a topic within them")));
    }
  }
  return hub.HandleRequest(request);  // Answers a bad form itself, naming the parameter.
}

// The hub's counts, read when scraped; zero once the edge is gone.
void AddWebSubMetrics(MetricsRegistry& registry, const std::shared_ptr<WebSubHub>& hub) {
  const std::weak_ptr<WebSubHub> weak = hub;
  auto read = [weak](uint64_t (WebSubHub::*count)() const) {
    return [weak, count] {
      const std::shared_ptr<WebSubHub> live = weak.lock();
      return live == nullptr ? 0.0 : static_cast<double>(((*live).*count)());
    };
  };
  constexpr char kDeliveries[] = "newswire_websub_deliveries_total";
  constexpr char kHelp[] = "WebSub deliveries by outcome (retried: attempts to be tried again).";
  registry.AddCounterFunc(kDeliveries, kHelp, {{"outcome", "delivered"}},
                          read(&WebSubHub::deliveries));
  registry.AddCounterFunc(kDeliveries, kHelp, {{"outcome", "retried"}},
                          read(&WebSubHub::retries));
  registry.AddCounterFunc(kDeliveries, kHelp, {{"outcome", "failed"}},
                          read(&WebSubHub::failed_deliveries));
  registry.AddGauge("newswire_websub_subscriptions", "Verified WebSub subscriptions.", {},
                    [weak] {
                      const std::shared_ptr<WebSubHub> live = weak.lock();
                      return live == nullptr ? 0.0
                                             : static_cast<double>(live->subscription_count());
                    });
}

}  // namespace

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

  absl::StatusOr<std::unique_ptr<WebSubStore>> subscriptions = OpenWebSubStore(options.data_dir);
  if (!subscriptions.ok()) return subscriptions.status();
  if (!options.log.servers.empty()) {
    // What this server's archive held joins the cluster's subscriptions.
    const std::unique_ptr<WebSubStore> local = *std::move(subscriptions);
    subscriptions = OpenSharedWebSubStore(options.log, *local);
    if (!subscriptions.ok()) return subscriptions.status();
  }
  absl::StatusOr<std::unique_ptr<WebSubHub>> websub = WebSubHub::Start(
      server.hub(), server.store(), *std::move(subscriptions), options.websub);
  if (!websub.ok()) return websub.status();
  edge->websub_ = *std::move(websub);
  routes.push_back({"POST", kWebSubPath,
                    Guarded(gate, "POST /v1/websub", Action::kSubscribe,
                            [&gate, hub = edge->websub_](const HttpRequest& request,
                                                         const Caller& caller) {
                              return ServeWebSub(*hub, gate, request, caller);
                            })});
  AddWebSubMetrics(metrics.registry(), edge->websub_);

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
