// A small HTTP/1.1 server for the HTTP edge (Boost.Beast on Asio), beside
// gRPC in the same process. It parses requests, hands each to a handler and
// writes the handler's response, whole or streamed; what is served is the
// handler's business (service/http_routes.h).
//
// Threads: `threads` Asio threads do all socket I/O and never block; the
// handlers, and the pulls of streamed bodies, run on `workers` threads of
// their own, so a slow archive read never holds up other connections.
#ifndef NEWSWIRE_SERVICE_HTTP_SERVER_H_
#define NEWSWIRE_SERVICE_HTTP_SERVER_H_

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace newswire {

struct HttpRequest {
  std::string method;  // "GET".
  std::string path;    // The target before any '?': "/v1/feed.atom".
  std::string query;   // After the '?', undecoded: "place=Kyiv&limit=10".
  // Header fields, names lowercase ("if-none-match"), as received.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string peer;  // The client's address, "127.0.0.1:53122".

  // The value of header `name` (lowercase), or empty.
  std::string Header(absl::string_view name) const;
};

// A piece of a streamed body: shared strings, so that bytes sent to many
// clients (an event of the live stream) are held once.
struct HttpBodyChunk {
  std::vector<std::shared_ptr<const std::string>> pieces;
  bool end = false;  // The body ends after these pieces.
};

// The source of a streamed response body (Server-Sent Events). The server
// pulls from it whenever the client has taken what was pulled before;
// destroying it is how the server says the connection is gone.
class HttpBodySource {
 public:
  virtual ~HttpBodySource() = default;
  // Called once, before the first Pull, with a function to call (from any
  // thread, at any time, also after the connection ended: then it does
  // nothing) when Pull has returned nothing and has something again.
  virtual void Start(std::function<void()> wake) = 0;
  // What to write next; no pieces and not `end` means nothing now (call
  // wake when there is). May block briefly (it runs on a worker); never
  // called concurrently with itself.
  virtual HttpBodyChunk Pull() = 0;
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // Besides Content-Length.
  std::string body;
  // When set, `body` is ignored: the headers go out at once, the body is
  // pulled from `stream` (chunked) until it ends or the client goes, and
  // the connection closes after it.
  std::shared_ptr<HttpBodySource> stream;
  // Close the connection without an answer, as a server going away does:
  // clients retry as after a network error (a browser's EventSource
  // reconnects), where any HTTP error status would make it give up.
  bool drop = false;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

// What the server tells an observer about each answered request or ended
// stream (access logs, metrics).
struct HttpExchange {
  const HttpRequest* request;
  int status;
  uint64_t body_bytes;        // Bytes of body written.
  absl::Duration duration;    // From the request read to the last byte written.
  bool streamed;
};
using HttpObserver = std::function<void(const HttpExchange&)>;

struct HttpServerOptions {
  std::string listen = "127.0.0.1:0";  // HOST:PORT; port 0 picks a free one.
  int threads = 2;                     // Threads of its own for all socket I/O.
  int workers = 2;                     // Threads for handlers and body pulls.
  // A client must send a whole request header within this (slow-loris).
  absl::Duration header_timeout = absl::Seconds(10);
  // A client that takes no bytes of a response for this long is dropped.
  absl::Duration write_timeout = absl::Seconds(60);
  // Called after each exchange, on an I/O thread; must not block.
  HttpObserver observer;
};

// Limits on every request: larger ones get 431 or 413 and the connection
// is closed.
inline constexpr size_t kMaxHttpHeaderBytes = 16 << 10;
inline constexpr size_t kMaxHttpBodyBytes = 64 << 10;

class HttpServer {
 public:
  // Binds and starts serving. INVALID_ARGUMENT for a bad address,
  // UNAVAILABLE when it cannot be bound (in use: the message says so).
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(
      const HttpServerOptions& options, HttpHandler handler);
  ~HttpServer();  // Shuts down.
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // "127.0.0.1:8080", with the port that was bound.
  std::string address() const;
  int port() const;
  // Connections open now (streams included).
  size_t connection_count() const;

  // Stops accepting, closes every connection, joins the threads and
  // destroys every body source (so what they hold, such as subscriptions,
  // is released when this returns). Idempotent.
  void Shutdown();

 private:
  class Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_HTTP_SERVER_H_
