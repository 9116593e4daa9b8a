// The HTTP edge of a running server: feeds, the live stream as
// Server-Sent Events, and health, on a listener of their own beside gRPC.
#ifndef NEWSWIRE_SERVICE_HTTP_EDGE_H_
#define NEWSWIRE_SERVICE_HTTP_EDGE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "service/http_server.h"
#include "service/server.h"
#include "service/sse_encoder.h"

namespace newswire {

struct HttpEdgeOptions {
  std::string listen = "127.0.0.1:0";  // HOST:PORT.
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
  std::unique_ptr<HttpServer> http_;  // Last: stops before what it serves goes.
};

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_HTTP_EDGE_H_
