#include "service/http_server.h"

#include <array>
#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"

namespace newswire {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// Closed at shutdown, before the threads stop: a body source's wake
// posts nothing after that.
struct Lifeline {
  absl::Mutex mu;
  bool open ABSL_GUARDED_BY(mu) = true;
};

// What every connection shares, owned by the server.
struct Shared {
  const HttpServerOptions& options;
  const HttpHandler& handler;
  asio::thread_pool& workers;
  std::shared_ptr<Lifeline> lifeline;
  std::atomic<size_t>& connections;
};

// One connection: requests read and answered in turn (HTTP/1.1
// keep-alive), or one streamed response until either side ends it. Runs on
// its strand; handlers and body pulls run on the workers.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const Shared& shared)
      : stream_(std::move(socket)), shared_(shared) {
    ++shared_.connections;
    beast::error_code ec;
    const tcp::endpoint remote = stream_.socket().remote_endpoint(ec);
    if (!ec) request_.peer = absl::StrCat(remote.address().to_string(), ":", remote.port());
  }

  ~Session() {
    if (source_ != nullptr) Observe(response_status_, /*streamed=*/true);
    --shared_.connections;
  }

  void Start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->Read(); });
  }

 private:
  void Read() {
    std::string peer = std::move(request_.peer);
    request_ = HttpRequest();
    request_.peer = std::move(peer);
    body_bytes_ = 0;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(kMaxHttpHeaderBytes));
    parser_->body_limit(kMaxHttpBodyBytes);
    // The whole request must arrive within the timeout, which also closes
    // an idle keep-alive connection.
    stream_.expires_after(absl::ToChronoNanoseconds(shared_.options.header_timeout));
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       self->OnRead(ec);
                     });
  }

  void OnRead(beast::error_code ec) {
    started_ = absl::Now();
    if (ec == http::error::header_limit) return Refuse(431, "request header too large");
    if (ec == http::error::body_limit) return Refuse(413, "request body too large");
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
        ec == asio::error::eof) {
      return Close();
    }
    if (ec) return Refuse(400, absl::StrCat("bad request: ", ec.message()));

    http::request<http::string_body> req = parser_->release();
    parser_.reset();
    request_.method = std::string(req.method_string());
    const std::string target(req.target());
    const size_t question = target.find('?');
    request_.path = target.substr(0, question);
    request_.query = question == std::string::npos ? "" : target.substr(question + 1);
    request_.headers.clear();
    for (const auto& field : req) {
      request_.headers.emplace_back(absl::AsciiStrToLower(std::string(field.name_string())),
                                    std::string(field.value()));
    }
    request_.body = std::move(req.body());
    keep_alive_ = req.keep_alive();
    // The handler may read the archive: off the I/O threads.
    asio::post(shared_.workers, [self = shared_from_this()] {
      HttpResponse response = self->shared_.handler(self->request_);
      asio::post(self->stream_.get_executor(),
                 [self, response = std::move(response)]() mutable {
                   self->Respond(std::move(response));
                 });
    });
  }

  void Respond(HttpResponse response) {
    if (response.drop) return Close();
    if (response.stream != nullptr) return StartStream(std::move(response));
    Write(std::move(response), keep_alive_);
  }

  // Answers with `status` and a text body, then closes.
  void Refuse(int status, absl::string_view message) {
    HttpResponse response;
    response.status = status;
    response.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
    response.body = absl::StrCat(message, "\n");
    Write(std::move(response), /*keep_alive=*/false);
  }

  void Write(HttpResponse response, bool keep_alive) {
    auto res = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(response.status), 11);
    res->set(http::field::server, "newswire");
    for (auto& [name, value] : response.headers) res->set(name, value);
    res->body() = std::move(response.body);
    res->keep_alive(keep_alive);
    res->prepare_payload();
    stream_.expires_after(absl::ToChronoNanoseconds(shared_.options.write_timeout));
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res](beast::error_code ec, std::size_t) {
                        self->body_bytes_ = res->body().size();
                        self->Observe(res->result_int(), /*streamed=*/false);
                        if (ec || !res->keep_alive()) return self->Close();
                        self->Read();
                      });
  }

  // Streamed bodies: the headers now, then chunks as the source has them.
  void StartStream(HttpResponse response) {
    source_ = std::move(response.stream);
    response_status_ = response.status;
    buffer_.clear();
    buffer_.shrink_to_fit();
    auto res = std::make_shared<http::response<http::empty_body>>(
        static_cast<http::status>(response.status), 11);
    res->set(http::field::server, "newswire");
    for (auto& [name, value] : response.headers) res->set(name, value);
    res->chunked(true);
    res->keep_alive(false);
    auto serializer = std::make_shared<http::response_serializer<http::empty_body>>(*res);
    source_->Start([weak = weak_from_this(), lifeline = shared_.lifeline,
                    executor = stream_.get_executor()] {
      absl::MutexLock lock(&lifeline->mu);
      if (!lifeline->open) return;
      if (std::shared_ptr<Session> self = weak.lock()) {
        asio::post(executor, [self] { self->OnWake(); });
      }
    });
    stream_.expires_after(absl::ToChronoNanoseconds(shared_.options.write_timeout));
    http::async_write_header(
        stream_, *serializer,
        [self = shared_from_this(), res, serializer](beast::error_code ec, std::size_t) {
          if (ec) return self->Close();
          self->stream_.expires_never();
          self->WatchForClose();
          self->Pull();
        });
  }

  // A read kept pending while streaming: it ends when the client goes.
  void WatchForClose() {
    stream_.async_read_some(asio::buffer(discard_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) return self->Close();
                              self->WatchForClose();  // Bytes after the request: ignored.
                            });
  }

  void OnWake() {
    if (pulling_) {
      wanted_ = true;
    } else {
      Pull();
    }
  }

  void Pull() {
    if (closed_) return;
    pulling_ = true;
    wanted_ = false;
    asio::post(shared_.workers, [self = shared_from_this()] {
      auto chunk = std::make_shared<HttpBodyChunk>(self->source_->Pull());
      asio::post(self->stream_.get_executor(), [self, chunk] { self->OnChunk(chunk); });
    });
  }

  void OnChunk(std::shared_ptr<HttpBodyChunk> chunk) {
    if (closed_) return;
    if (chunk->pieces.empty()) {
      if (chunk->end) return EndStream();
      pulling_ = false;
      if (wanted_) Pull();
      return;
    }
    std::vector<asio::const_buffer> buffers;
    buffers.reserve(chunk->pieces.size());
    for (const auto& piece : chunk->pieces) buffers.push_back(asio::buffer(*piece));
    stream_.expires_after(absl::ToChronoNanoseconds(shared_.options.write_timeout));
    asio::async_write(stream_, http::make_chunk(buffers),
                      [self = shared_from_this(), chunk](beast::error_code ec, std::size_t n) {
                        if (ec) return self->Close();
                        self->stream_.expires_never();
                        self->body_bytes_ += n;
                        if (chunk->end) return self->EndStream();
                        self->Pull();
                      });
  }

  void EndStream() {
    closed_ = true;
    stream_.expires_after(absl::ToChronoNanoseconds(shared_.options.write_timeout));
    asio::async_write(stream_, http::make_chunk_last(),
                      [self = shared_from_this()](beast::error_code, std::size_t) {
                        self->Close();
                      });
  }

  void Observe(int status, bool streamed) {
    if (!shared_.options.observer) return;
    shared_.options.observer(HttpExchange{&request_, status, body_bytes_,
                                          absl::Now() - started_, streamed});
  }

  void Close() {
    closed_ = true;
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    if (source_ != nullptr) stream_.close();  // Ends the read kept pending.
  }

  beast::tcp_stream stream_;
  const Shared& shared_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  HttpRequest request_;  // The one being answered.
  bool keep_alive_ = false;
  absl::Time started_;
  uint64_t body_bytes_ = 0;
  // Streaming.
  std::shared_ptr<HttpBodySource> source_;
  int response_status_ = 0;
  bool pulling_ = false;  // A pull or its write is under way.
  bool wanted_ = false;   // Woken meanwhile: pull again after it.
  bool closed_ = false;
  std::array<char, 64> discard_;
};

// "HOST:PORT" as an endpoint; "localhost" is 127.0.0.1, "[::1]" IPv6.
absl::StatusOr<tcp::endpoint> Endpoint(absl::string_view listen) {
  const size_t colon = listen.rfind(':');
  int port = -1;
  if (colon == absl::string_view::npos ||
      !absl::SimpleAtoi(listen.substr(colon + 1), &port) || port < 0 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("HTTP address \"", listen, "\" is not HOST:PORT"));
  }
  std::string host(listen.substr(0, colon));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host == "localhost" || host.empty()) host = "127.0.0.1";
  beast::error_code ec;
  const asio::ip::address address = asio::ip::make_address(host, ec);
  if (ec) {
    return absl::InvalidArgumentError(absl::StrCat("HTTP address \"", listen, "\": \"",
                                                   host, "\" is not an IP address"));
  }
  return tcp::endpoint(address, static_cast<unsigned short>(port));
}

}  // namespace

std::string HttpRequest::Header(absl::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return "";
}

class HttpServer::Impl {
 public:
  Impl(const HttpServerOptions& options, HttpHandler handler)
      : options_(options),
        handler_(std::move(handler)),
        ioc_(std::make_unique<asio::io_context>(std::max(1, options.threads))),
        workers_(std::make_unique<asio::thread_pool>(std::max(1, options.workers))),
        acceptor_(std::make_unique<tcp::acceptor>(*ioc_)),
        shared_{options_, handler_, *workers_, std::make_shared<Lifeline>(), connections_} {}

  absl::Status Listen() {
    absl::StatusOr<tcp::endpoint> endpoint = Endpoint(options_.listen);
    if (!endpoint.ok()) return endpoint.status();
    beast::error_code ec;
    acceptor_->open(endpoint->protocol(), ec);
    // SO_REUSEADDR only (no SO_REUSEPORT): a second server on the same
    // port fails to bind instead of sharing it.
    if (!ec) acceptor_->set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_->bind(*endpoint, ec);
    if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return absl::UnavailableError(absl::StrCat(
          "cannot listen for HTTP on ", options_.listen, ": ", ec.message(),
          ec == asio::error::address_in_use ? " (another server has this port)" : ""));
    }
    const tcp::endpoint bound = acceptor_->local_endpoint();
    const std::string host = bound.address().to_string();
    address_ = bound.address().is_v6() ? absl::StrCat("[", host, "]:", bound.port())
                                       : absl::StrCat(host, ":", bound.port());
    port_ = bound.port();
    Accept();
    for (int i = 0; i < std::max(1, options_.threads); ++i) {
      threads_.emplace_back([this] { ioc_->run(); });
    }
    return absl::OkStatus();
  }

  void Shutdown() {
    if (stopped_.exchange(true)) return;
    {
      absl::MutexLock lock(&shared_.lifeline->mu);
      shared_.lifeline->open = false;
    }
    ioc_->stop();
    for (std::thread& thread : threads_) thread.join();
    threads_.clear();
    workers_->stop();
    workers_->join();
    // No thread runs now. Destroying the workers drops the work they did
    // not start, destroying the context every connection and source.
    beast::error_code ignored;
    acceptor_->close(ignored);
    acceptor_.reset();
    workers_.reset();
    ioc_.reset();
  }

  ~Impl() { Shutdown(); }

  const std::string& address() const { return address_; }
  int port() const { return port_; }
  size_t connection_count() const { return connections_.load(); }

 private:
  void Accept() {
    acceptor_->async_accept(
        asio::make_strand(*ioc_), [this](beast::error_code ec, tcp::socket socket) {
          if (!ec) std::make_shared<Session>(std::move(socket), shared_)->Start();
          if (acceptor_->is_open()) Accept();
        });
  }

  const HttpServerOptions options_;
  const HttpHandler handler_;  // Outlives the context and the sessions it holds.
  std::atomic<size_t> connections_{0};
  std::unique_ptr<asio::io_context> ioc_;
  std::unique_ptr<asio::thread_pool> workers_;
  std::unique_ptr<tcp::acceptor> acceptor_;
  const Shared shared_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopped_{false};
  std::string address_;
  int port_ = 0;
};

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(
    const HttpServerOptions& options, HttpHandler handler) {
  auto impl = std::make_unique<Impl>(options, std::move(handler));
  if (absl::Status status = impl->Listen(); !status.ok()) return status;
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpServer::~HttpServer() = default;
std::string HttpServer::address() const { return impl_->address(); }
int HttpServer::port() const { return impl_->port(); }
size_t HttpServer::connection_count() const { return impl_->connection_count(); }
void HttpServer::Shutdown() { impl_->Shutdown(); }

}  // namespace newswire
