// The HTTP edge of a running server, on a listener of its own beside gRPC:
//
//   GET /                       the wire monitor (service/monitor_page.h)
//   GET /v1/feed.atom|rss|json  feeds (service/http_feeds.h)
//   GET /v1/stream              Server-Sent Events (service/http_events.h)
//   GET /v1/search              archive search as JSON (service/http_search.h)
//   POST /v1/websub             the WebSub hub (service/websub_hub.h)
//   GET /metrics                Prometheus text format (service/server_metrics.h)
//   GET /healthz, /readyz       liveness; readiness (a replica far behind
//                               its log is not ready: core/store/readiness.h)
//
// Every request is counted in the server's metrics and, when asked, logged
// as one JSON line (service/http_access_log.h).
#ifndef NEWSWIRE_SERVICE_HTTP_EDGE_H_
#define NEWSWIRE_SERVICE_HTTP_EDGE_H_

#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "core/store/jetstream_log.h"
#include "service/http_access_log.h"
#include "service/http_server.h"
#include "service/server.h"
#include "service/sse_encoder.h"
#include "service/websub_hub.h"

namespace newswire {

struct HttpEdgeOptions {
  std::string listen = "127.0.0.1:0";  // HOST:PORT.
  // Where access log lines go; none when null. Must outlive the edge.
  std::ostream* access_log = nullptr;
  // The server's archive, where WebSub subscriptions are kept; empty keeps
  // them in memory.
  std::string data_dir;
  WebSubOptions websub;
  // The server's log when it is a replica of a cluster (servers set): the
  // WebSub subscriptions are then the cluster's (jetstream_websub.h).
  JetStreamOptions log;
};

class HttpEdge {
 public:
  // Starts serving `server`'s feeds. REQUIRES: `server` outlives the edge,
  // or Shutdown is called before the server shuts down.
  static absl::StatusOr<std::unique_ptr<HttpEdge>> Start(const HttpEdgeOptions& options,
                                                         Server& server);
  HttpEdge(const HttpEdge&) = delete;
  HttpEdge& operator=(const HttpEdge&) = delete;
  ~HttpEdge();

  // "127.0.0.1:8080".
  std::string address() const { return http_->address(); }
  // Ends every stream and closes every connection. Idempotent.
  void Shutdown() { http_->Shutdown(); }

 private:
  HttpEdge() = default;
  SseEncoder encoder_;
  std::optional<AccessLog> access_log_;
  std::shared_ptr<WebSubHub> websub_;
  std::unique_ptr<HttpServer> http_;  // Last: stops before what it serves goes.
};

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_HTTP_EDGE_H_
