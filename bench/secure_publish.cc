// secure_publish: durable publishes per second over gRPC, with and without
// access control (issue 11), in one run.
//
//   secure_publish [--rounds 5] [--threads 8] [--articles 4000]
//                  [--modes plain,key,tls+key] [--store file|memory]
//
// Each round starts, for every mode in turn (interleaved: this machine's
// speed drifts), a newswire::Server on a fresh SQLite archive (durable:
// WAL, synchronous=FULL; with --store memory, a server without a data dir,
// as `serve --memory`) and --threads clients, each its own channel,
// publishing --articles synthetic articles between them through the
// Publish RPC. Modes:
//   plain    no keys (an open loopback server), plaintext
//   key      a publish key sent with every call (authenticated, authorized
//            by source and audited per publish), plaintext
//   tls+key  the same over TLS (a throwaway EC P-256 certificate made with
//            the openssl command)
// Prints publishes/s per mode and round, then min / median per mode and the
// median (and range) of the per-round ratios to plain.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "bench/synthetic.h"
#include "service/client.h"
#include "service/server.h"

namespace newswire::bench {
namespace {

struct Options {
  int rounds = 5;
  int threads = 8;
  int articles = 4000;
  std::vector<std::string> modes = {"plain", "key", "tls+key"};
  // Each server's archive: "file" (a data dir) or "memory" (none).
  std::string store = "file";
};

// A certificate for 127.0.0.1 in `dir`, made with the openssl command.
bool MakeCertificate(const std::string& dir) {
  const std::string command = absl::StrCat(
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
      "-subj /CN=localhost -addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout ",
      dir, "/server.key -out ", dir, "/server.crt 2>/dev/null");
  return std::system(command.c_str()) == 0;
}

// Publishes options.articles articles through a fresh server in `mode`;
// returns publishes per second, or a negative number on failure.
double RunMode(const std::string& mode, const Options& options, const std::string& tmp,
               int round) {
  const std::string data = absl::StrCat(tmp, "/archive-", mode, "-", round);
  ServerOptions server_options;
  server_options.listen = "127.0.0.1:0";
  if (options.store == "file") server_options.data_dir = data;
  ClientOptions client_options;
  if (mode == "tls+key") {
    server_options.tls.cert_file = tmp + "/server.crt";
    server_options.tls.key_file = tmp + "/server.key";
    client_options.tls.ca_file = tmp + "/server.crt";
  }
  absl::StatusOr<std::unique_ptr<Server>> server = Server::Start(server_options);
  if (!server.ok()) {
    std::fprintf(stderr, "secure_publish: %s\n", server.status().ToString().c_str());
    return -1;
  }
  if (mode != "plain") {
    v1::CreateKeyRequest request;
    request.set_name("bench-desk");
    request.mutable_entitlements()->add_scopes(v1::SCOPE_PUBLISH);
    request.mutable_entitlements()->add_sources("Bench Wire");
    absl::StatusOr<v1::CreateKeyResponse> key =
        (*server)->keys().Create(request, absl::Now());
    if (!key.ok()) return -1;
    client_options.key = key->secret();
  }
  // Articles made before the clock starts; every one of source "Bench Wire".
  std::vector<std::vector<Article>> work(options.threads);
  SyntheticArticles synthetic(1000 + round);
  for (int i = 0; i < options.articles; ++i) {
    Article article = synthetic.Next();
    article.mutable_source()->set_name("Bench Wire");
    work[i % options.threads].push_back(std::move(article));
  }
  std::vector<std::unique_ptr<Client>> clients;
  for (int t = 0; t < options.threads; ++t) {
    absl::StatusOr<std::unique_ptr<Client>> client =
        Client::Open((*server)->address(), client_options);
    if (!client.ok()) return -1;
    // A first call connects (and shakes hands) before the clock starts.
    (void)(*client)->Get("urn:bench:warm-up");
    clients.push_back(*std::move(client));
  }
  std::atomic<int> failed{0};
  const absl::Time start = absl::Now();
  std::vector<std::thread> threads;
  for (int t = 0; t < options.threads; ++t) {
    threads.emplace_back([&, t] {
      for (Article& article : work[t]) {
        absl::StatusOr<PublishResult> result = clients[t]->Publish(article);
        if (!result.ok()) {
          if (failed.fetch_add(1) == 0) {
            std::fprintf(stderr, "secure_publish: %s\n",
                         result.status().ToString().c_str());
          }
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  clients.clear();
  (*server)->Shutdown(absl::Seconds(1));
  server->reset();
  std::filesystem::remove_all(data);
  if (failed.load() > 0) return -1;
  return options.articles / seconds;
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

int Main(int argc, char** argv) {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--rounds") (void)absl::SimpleAtoi(value, &options.rounds);
    if (flag == "--threads") (void)absl::SimpleAtoi(value, &options.threads);
    if (flag == "--articles") (void)absl::SimpleAtoi(value, &options.articles);
    if (flag == "--modes") options.modes = absl::StrSplit(value, ',');
    if (flag == "--store") options.store = value;
  }
  if (options.store != "file" && options.store != "memory") {
    std::fprintf(stderr, "secure_publish: --store must be file or memory\n");
    return 2;
  }
  if (std::find(options.modes.begin(), options.modes.end(), "plain") ==
      options.modes.end()) {
    std::fprintf(stderr,
                 "secure_publish: --modes must include plain (ratios are to it)\n");
    return 2;
  }
  std::string tmp = std::filesystem::temp_directory_path() / "secure-publish-XXXXXX";
  if (mkdtemp(tmp.data()) == nullptr || !MakeCertificate(tmp)) {
    std::fprintf(stderr, "secure_publish: cannot make a temp dir and certificate\n");
    return 1;
  }
  std::map<std::string, std::vector<double>> rates;
  for (int round = 1; round <= options.rounds; ++round) {
    for (const std::string& mode : options.modes) {
      const double rate = RunMode(mode, options, tmp, round);
      if (rate < 0) return 1;
      rates[mode].push_back(rate);
      std::printf("round %d  %-8s %9.0f publishes/s\n", round, mode.c_str(), rate);
      std::fflush(stdout);
    }
  }
  std::printf("\n%-8s %10s %10s %14s %16s\n", "mode", "min/s", "median/s", "ratio median",
              "ratio range");
  for (const std::string& mode : options.modes) {
    const std::vector<double>& r = rates[mode];
    std::vector<double> ratios;
    for (size_t i = 0; i < r.size(); ++i) ratios.push_back(r[i] / rates["plain"][i]);
    std::printf("%-8s %10.0f %10.0f %13.2fx %9.2f-%.2fx\n", mode.c_str(),
                *std::min_element(r.begin(), r.end()), Median(r), Median(ratios),
                *std::min_element(ratios.begin(), ratios.end()),
                *std::max_element(ratios.begin(), ratios.end()));
  }
  std::filesystem::remove_all(tmp);
  return 0;
}

}  // namespace
}  // namespace newswire::bench

int main(int argc, char** argv) { return newswire::bench::Main(argc, argv); }
