// fanout_newswire: the newswire contender of the fanout benchmark. Runs the
// real server (newswire::Server, in-memory store, so fanout is measured
// without fsync) and publishes through the real publish path, Wire::Publish,
// in process, on the driver's commands (bench/fanout/publisher.h).
//
//   fanout_newswire [--listen HOST:PORT]     (default 127.0.0.1:0)
//                   [--tls-cert FILE --tls-key FILE] [--key]
//                   [--http] [--data DIR] [--synthetic N]
//                   [--log nats://HOST:PORT[,...]] [--publishers N]
//
// Prints "listening HOST:PORT" once serving. With --tls-* it serves TLS;
// with --key it creates a subscribe key first (so every call needs one)
// and prints "key SECRET" before "listening". With --http it also serves
// the HTTP edge (service/http_edge.h: feeds, GET /v1/stream) on a free
// loopback port, as `newswire serve --http` does, and prints "http
// HOST:PORT" before "listening". --data keeps the archive in DIR (SQLite)
// instead of memory; --synthetic publishes N synthetic articles
// (bench/synthetic.h, seed 1) before serving, for the feed benchmark.
// Each publish command builds its
// articles first (FanoutArticle), then stamps each headline just before
// publishing it from one thread; BATCH is ignored (the server batches by
// itself). Subscribers use the Subscribe RPC as any client does.
//
// With --log the server is a replica on that JetStream log (as `serve
// --log`; in memory unless --data), so several fanout_newswire processes on
// one log each fan out every event, whichever of them publishes. A publish
// there waits for the log and the apply, so --publishers N publishes from
// N threads (article i from thread i mod N; default 1).
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "bench/fanout/payload.h"
#include "bench/fanout/publisher.h"
#include "bench/synthetic.h"
#include "service/http_edge.h"
#include "service/server.h"

namespace newswire::bench {
namespace {

absl::Status PublishArticles(Wire& wire, const PublishCommand& command, int publishers,
                             PublishTimes& times) {
  std::vector<Article> articles;
  articles.reserve(command.count);
  for (int64_t i = 0; i < command.count; ++i) {
    articles.push_back(FanoutArticle(command.run, i));
  }
  if (publishers <= 1) {
    Pacer pacer(command.rate);
    for (int64_t i = 0; i < command.count; ++i) {
      const int64_t now = pacer.Wait(i);
      if (i == 0) times.first_ns = now;
      WriteStamp(*articles[i].mutable_headline(), now);
      absl::StatusOr<PublishResult> result = wire.Publish(std::move(articles[i]));
      if (!result.ok()) return result.status();
    }
    times.last_ns = MonotonicNs();
    return absl::OkStatus();
  }
  // Unpaced: each thread stamps its articles as it publishes them.
  absl::Mutex mu;
  absl::Status failed;
  times.first_ns = MonotonicNs();
  std::vector<std::thread> threads;
  for (int t = 0; t < publishers; ++t) {
    threads.emplace_back([&, t] {
      for (int64_t i = t; i < command.count; i += publishers) {
        WriteStamp(*articles[i].mutable_headline(), MonotonicNs());
        absl::StatusOr<PublishResult> result = wire.Publish(std::move(articles[i]));
        if (!result.ok()) {
          absl::MutexLock lock(&mu);
          failed.Update(result.status());
          return;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  times.last_ns = MonotonicNs();
  return failed;
}

int Main(int argc, char** argv) {
  // As the shipped binary (service/main.cc): no run-time lock-order graph.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  bool key = false, http = false;
  int synthetic = 0, publishers = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--key") {
      key = true;
    } else if (flag == "--http") {
      http = true;
    } else if (i + 1 < argc) {
      const char* value = argv[++i];
      if (flag == "--listen") options.listen = value;
      if (flag == "--tls-cert") options.tls.cert_file = value;
      if (flag == "--tls-key") options.tls.key_file = value;
      if (flag == "--data") options.data_dir = value;
      if (flag == "--synthetic") synthetic = std::atoi(value);
      if (flag == "--log") options.log.servers = absl::StrSplit(value, ',');
      if (flag == "--publishers") publishers = std::atoi(value);
    }
  }
  absl::StatusOr<std::unique_ptr<Server>> server = Server::Start(options);
  if (!server.ok()) {
    std::fprintf(stderr, "fanout_newswire: %s\n", server.status().ToString().c_str());
    return 1;
  }
  if (key) {
    v1::CreateKeyRequest request;
    request.set_name("fanout-subscribers");
    request.mutable_entitlements()->add_scopes(v1::SCOPE_SUBSCRIBE);
    absl::StatusOr<v1::CreateKeyResponse> created =
        (*server)->keys().Create(request, absl::Now());
    if (!created.ok()) {
      std::fprintf(stderr, "fanout_newswire: %s\n", created.status().ToString().c_str());
      return 1;
    }
    std::printf("key %s\n", created->secret().c_str());
  }
  SyntheticArticles articles(1);
  for (int i = 0; i < synthetic; ++i) {
    if (absl::StatusOr<PublishResult> published = (*server)->wire().Publish(articles.Next());
        !published.ok()) {
      std::fprintf(stderr, "fanout_newswire: %s\n", published.status().ToString().c_str());
      return 1;
    }
  }
  std::unique_ptr<HttpEdge> edge;
  if (http) {
    absl::StatusOr<std::unique_ptr<HttpEdge>> started = HttpEdge::Start({}, **server);
    if (!started.ok()) {
      std::fprintf(stderr, "fanout_newswire: %s\n", started.status().ToString().c_str());
      return 1;
    }
    edge = *std::move(started);
    std::printf("http %s\n", edge->address().c_str());
  }
  std::printf("listening %s\n", (*server)->address().c_str());
  std::fflush(stdout);
  Wire& wire = (*server)->wire();
  const int code = ServePublishCommands(
      [&wire, publishers](const PublishCommand& command, PublishTimes& times) {
        return PublishArticles(wire, command, publishers, times);
      });
  if (edge != nullptr) edge->Shutdown();  // Its streams end before the hub closes.
  (*server)->Shutdown(absl::Seconds(1));
  return code;
}

}  // namespace
}  // namespace newswire::bench

int main(int argc, char** argv) { return newswire::bench::Main(argc, argv); }
