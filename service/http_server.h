// A small HTTP/1.1 server for the HTTP edge (Boost.Beast on Asio), beside
// gRPC in the same process. It parses requests, hands each to a handler and
// writes the handler's response; what is served is the handler's business
// (service/http_feeds.h).
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

  // The value of header `name` (lowercase), or empty.
  std::string Header(absl::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // Besides Content-Length.
  std::string body;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

struct HttpServerOptions {
  std::string listen = "127.0.0.1:0";  // HOST:PORT; port 0 picks a free one.
  int threads = 2;                     // Threads of its own for all connections.
  // A client must send a whole request header within this (slow-loris).
  absl::Duration header_timeout = absl::Seconds(10);
  // An idle keep-alive connection is closed after this.
  absl::Duration idle_timeout = absl::Seconds(60);
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

  // Stops accepting, closes every connection and joins the threads.
  // Idempotent.
  void Shutdown();

 private:
  class Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_HTTP_SERVER_H_
