// http_load: GET requests against one path of an HTTP server over
// keep-alive connections, as fast as the server answers (issue 13's feed
// benchmark; bench/fanout/run.py --http drives it).
//
//   http_load --target HOST:PORT --path PATH [--connections C] [--threads T]
//             [--seconds S | --requests R] [--if-none-match]
//
// C connections (default 4) each send one request, read the whole
// response, and send the next, on T threads (default 1) of one Asio
// context, for S seconds (default 5) or until R requests were answered in
// all. With --if-none-match it first GETs PATH once, then sends that
// response's ETag with every request (the 304 path of a feed reader that
// polls). Prints one line:
//   done requests=N seconds=S rps=X body_bytes=B status_200=.. status_304=..
//        status_other=.. p50_us=.. p99_us=.. max_us=..
// with the latency of each request (write of the request to the end of the
// response) over all of them. Exits 1 if a connection fails.
#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "bench/flags.h"

namespace newswire::bench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// What every connection adds to; read once they all stopped.
struct Totals {
  absl::Mutex mu;
  int64_t status_200 ABSL_GUARDED_BY(mu) = 0;
  int64_t status_304 ABSL_GUARDED_BY(mu) = 0;
  int64_t status_other ABSL_GUARDED_BY(mu) = 0;
  int64_t body_bytes ABSL_GUARDED_BY(mu) = 0;
  std::vector<int64_t> latencies_ns ABSL_GUARDED_BY(mu);
  std::string error ABSL_GUARDED_BY(mu);
};

// The requests still to send when counting requests; negative: by time.
struct Budget {
  std::atomic<int64_t> left{-1};
  Clock::time_point deadline;
  bool Take() {
    if (left.load() < 0) return Clock::now() < deadline;
    return left.fetch_sub(1) > 0;
  }
};

// One keep-alive connection sending request after request.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(asio::io_context& context, const http::request<http::empty_body>& request,
             Budget& budget, Totals& totals)
      : stream_(context), request_(request), budget_(budget), totals_(totals) {}

  ~Connection() {
    absl::MutexLock lock(&totals_.mu);
    totals_.status_200 += status_200_;
    totals_.status_304 += status_304_;
    totals_.status_other += status_other_;
    totals_.body_bytes += body_bytes_;
    totals_.latencies_ns.insert(totals_.latencies_ns.end(), latencies_ns_.begin(),
                                latencies_ns_.end());
  }

  void Start(const tcp::endpoint& endpoint) {
    stream_.async_connect(endpoint, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->Fail("connect", ec);
      self->stream_.socket().set_option(tcp::no_delay(true));
      self->Send();
    });
  }

 private:
  void Send() {
    if (!budget_.Take()) return;
    sent_ = Clock::now();
    http::async_write(stream_, request_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec) return self->Fail("write", ec);
                        self->Receive();
                      });
  }

  void Receive() {
    response_ = {};
    http::async_read(stream_, buffer_, response_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       if (ec) return self->Fail("read", ec);
                       self->latencies_ns_.push_back(
                           std::chrono::nanoseconds(Clock::now() - self->sent_).count());
                       const int status = self->response_.result_int();
                       if (status == 200)
                         ++self->status_200_;
                       else if (status == 304)
                         ++self->status_304_;
                       else
                         ++self->status_other_;
                       self->body_bytes_ += self->response_.body().size();
                       if (!self->response_.keep_alive()) {
                         return self->Fail("keep-alive", beast::error_code());
                       }
                       self->Send();
                     });
  }

  void Fail(const char* what, beast::error_code ec) {
    absl::MutexLock lock(&totals_.mu);
    if (totals_.error.empty()) {
      totals_.error = absl::StrFormat(
          "%s: %s", what, ec ? ec.message() : "the server closed the connection");
    }
  }

  beast::tcp_stream stream_;
  const http::request<http::empty_body>& request_;
  Budget& budget_;
  Totals& totals_;
  beast::flat_buffer buffer_;
  http::response<http::string_body> response_;
  Clock::time_point sent_;
  int64_t status_200_ = 0, status_304_ = 0, status_other_ = 0, body_bytes_ = 0;
  std::vector<int64_t> latencies_ns_;
};

// One GET of `path` on a connection of its own; the response's ETag, or
// an error message.
std::pair<std::string, std::string> FetchEtag(
    const tcp::endpoint& endpoint, const http::request<http::empty_body>& request) {
  asio::io_context context;
  beast::tcp_stream stream(context);
  beast::error_code ec;
  stream.connect(endpoint, ec);
  if (!ec) http::write(stream, request, ec);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  if (!ec) http::read(stream, buffer, response, ec);
  if (ec) return {"", ec.message()};
  if (response.result_int() != 200) {
    return {"", absl::StrFormat("status %d: %s", response.result_int(), response.body())};
  }
  const auto etag = response.find(http::field::etag);
  if (etag == response.end()) return {"", "no ETag in the response"};
  return {std::string(etag->value()), ""};
}

int Main(int argc, char** argv) {
  std::string target, path;
  int connections = 4, threads = 1;
  double seconds = 5;
  int64_t requests = -1;
  bool if_none_match = false;
  BenchFlags flags;
  flags.Text("--target", &target).Text("--path", &path).Number("--connections", &connections)
      .Number("--threads", &threads).Number("--seconds", &seconds).Number("--requests", &requests)
      .Switch("--if-none-match", &if_none_match);
  if (!flags.Parse(argc, argv, "http_load")) return 2;
  const size_t colon = target.rfind(':');
  int port = 0;
  beast::error_code ec;
  asio::ip::address host;
  if (colon != std::string::npos)
    host = asio::ip::make_address(target.substr(0, colon), ec);
  if (colon == std::string::npos || ec || path.empty() || connections < 1 ||
      threads < 1 || !absl::SimpleAtoi(target.substr(colon + 1), &port)) {
    std::fprintf(stderr,
                 "usage: http_load --target IP:PORT --path PATH [--connections C] "
                 "[--threads T] [--seconds S | --requests R] [--if-none-match]\n");
    return 2;
  }
  const tcp::endpoint endpoint(host, static_cast<unsigned short>(port));
  http::request<http::empty_body> request(http::verb::get, path, 11);
  request.set(http::field::host, target);
  request.set(http::field::user_agent, "newswire-http-load");
  request.keep_alive(true);
  if (if_none_match) {
    auto [etag, error] = FetchEtag(endpoint, request);
    if (!error.empty()) {
      std::fprintf(stderr, "http_load: GET %s: %s\n", path.c_str(), error.c_str());
      return 1;
    }
    request.set(http::field::if_none_match, etag);
  }

  Totals totals;
  Budget budget;
  asio::io_context context(threads);
  {
    for (int c = 0; c < connections; ++c) {
      std::make_shared<Connection>(context, request, budget, totals)->Start(endpoint);
    }
  }
  const Clock::time_point start = Clock::now();
  budget.deadline = start + std::chrono::duration_cast<Clock::duration>(
                                std::chrono::duration<double>(seconds));
  budget.left.store(requests);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back([&context] { context.run(); });
  for (std::thread& thread : pool) thread.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();

  absl::MutexLock lock(&totals.mu);
  if (!totals.error.empty()) {
    std::fprintf(stderr, "http_load: %s\n", totals.error.c_str());
    return 1;
  }
  std::vector<int64_t>& latencies = totals.latencies_ns;
  auto percentile_us = [&latencies](double p) -> double {
    if (latencies.empty()) return 0;
    const size_t k =
        std::min(latencies.size() - 1, static_cast<size_t>(p * latencies.size()));
    std::nth_element(latencies.begin(), latencies.begin() + k, latencies.end());
    return latencies[k] / 1e3;
  };
  const double p50 = percentile_us(0.5), p99 = percentile_us(0.99);
  const double max =
      latencies.empty() ? 0 : *std::max_element(latencies.begin(), latencies.end()) / 1e3;
  const auto answered = static_cast<int64_t>(latencies.size());
  std::printf("%s\n",
              absl::StrFormat("done requests=%d seconds=%.3f rps=%.1f body_bytes=%d "
                              "status_200=%d status_304=%d status_other=%d p50_us=%.1f "
                              "p99_us=%.1f max_us=%.1f",
                              answered, elapsed, answered / elapsed, totals.body_bytes,
                              totals.status_200, totals.status_304, totals.status_other,
                              p50, p99, max)
                  .c_str());
  return 0;
}

}  // namespace
}  // namespace newswire::bench

int main(int argc, char** argv) { return newswire::bench::Main(argc, argv); }
