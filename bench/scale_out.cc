// Scale-out on JetStream (issue 15): durable publishes/s with 16 publishers
// through the one publish path (Wire → Store → Hub) for three stores, and
// how fast a new replica catches up on the log the run filled.
//
//   build/bench/scale_out [--articles N] [--rounds R] [--publishers P]
//                         [--dir PATH] [--contenders sqlite,r1,r3] [--no-catch-up]
//                         [--breakdown]
//
// Contenders, each on a fresh directory under --dir per round, interleaved
// round by round (sqlite, r1, r3, sqlite, ...), because this machine's
// speed drifts under load:
//   sqlite  SqliteStore::Open on disk (WAL, synchronous=FULL), as
//           durable_publish runs it.
//   r1      JetStreamStore over a fresh on-disk SqliteStore, on 1 nats-server
//           (tests/core/nats_servers.h), stream replicas=1.
//   r3      the same on 3 clustered nats-servers, replicas=3.
//   r1-log, r3-log  (not run unless named) the log alone: the same appends
//           JetStreamStore::Append makes (subject, id header, message id,
//           expect-empty-subject), straight to JetStreamLog from the
//           publisher threads, with no apply and no archive: what the log
//           costs of a durable publish.
//   r1-split, r3-split  (not run unless named) where a publish's time goes:
//           the publisher threads append to the log as r*-log does, then
//           wait (JetStreamStore::AwaitApplied) until a replica applying
//           that log (as in r1/r3) has applied the appended position; prints
//           the median and p90 of each half per publish, and the rate.
// All servers and this process share the machine. Articles come from
// bench/synthetic.h and are made before the clock starts.
//
// Catch-up (after each r1/r3 run, unless --no-catch-up): a NEW
// JetStreamStore over a fresh on-disk SqliteStore (which indexes for search
// as it applies), with a hub of its own, is timed from Start until it has
// applied the stream's last position: log positions applied per second.
//
// With --breakdown, each catch-up is followed by its two halves timed
// apart on the same log: reading every message (one LogReader, batches of
// 500 as the apply takes them, nothing done with them), then parsing them
// and applying them in batches of 500 to another fresh on-disk SqliteStore
// (SqliteStore::ApplyLog, what JetStreamStore's apply calls).
//
// The report gives min / median / max per contender and its ratio to
// sqlite: of the medians, and the median of the per-round ratios.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "bench/flags.h"
#include "bench/synthetic.h"
#include "core/fanout/hub.h"
#include "core/publish/wire.h"
#include "core/store/jetstream_store.h"
#include "core/store/jetstream_subject.h"
#include "core/store/sqlite_store.h"
#include "tests/core/nats_servers.h"

namespace newswire::bench {
namespace {

template <typename T>
T OrDie(absl::StatusOr<T> value, const char* what) {
  if (!value.ok()) {
    std::fprintf(stderr, "scale_out: %s: %s\n", what, value.status().ToString().c_str());
    std::exit(1);
  }
  return *std::move(value);
}

// `total` synthetic articles dealt round-robin to `publishers` threads.
std::vector<std::vector<Article>> MakeWork(int publishers, int total) {
  std::vector<std::vector<Article>> work(publishers);
  SyntheticArticles synthetic(42);
  for (int i = 0; i < total; ++i) work[i % publishers].push_back(synthetic.Next());
  return work;
}

// Publishes `work` through `wire`, one thread per entry; returns articles
// per second. Exits if a publish fails or the store's head did not move by
// as many events.
double PublishAll(Wire& wire, const Store& store, std::vector<std::vector<Article>> work) {
  size_t total = 0;
  for (const auto& articles : work) total += articles.size();
  const uint64_t head_before = store.HeadSequence();
  const absl::Time start = absl::Now();
  std::vector<std::thread> threads;
  for (auto& articles : work) {
    threads.emplace_back([&wire, &articles] {
      for (Article& a : articles) {
        absl::StatusOr<PublishResult> r = wire.Publish(std::move(a));
        if (!r.ok()) {
          std::fprintf(stderr, "scale_out: publish failed: %s\n", r.status().ToString().c_str());
          std::exit(1);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  if (store.HeadSequence() != head_before + total) {
    std::fprintf(stderr, "scale_out: expected %zu new events, got %llu\n", total,
                 static_cast<unsigned long long>(store.HeadSequence() - head_before));
    std::exit(2);
  }
  return total / seconds;
}

double RunSqlite(const std::string& dir, std::vector<std::vector<Article>> work) {
  std::unique_ptr<SqliteStore> store = OrDie(SqliteStore::Open(dir + "/archive"), "open archive");
  Hub hub(store.get());
  Wire wire(store.get(), &hub);
  return PublishAll(wire, *store, std::move(work));
}

// The log on `servers` (started under `dir`), one copy per server; exits if
// they did not start.
JetStreamOptions LogOn(const NatsServers& servers, const std::string& dir) {
  if (!servers.ok()) {
    std::fprintf(stderr, "scale_out: nats-server did not start (logs in %s/nats)\n",
                 dir.c_str());
    std::exit(1);
  }
  JetStreamOptions options;
  options.servers = servers.urls();
  options.replicas = servers.size();
  return options;
}

// A replica on the log: its archive, its hub fed by the apply.
struct Replica {
  std::unique_ptr<JetStreamStore> store;
  std::unique_ptr<Hub> hub;

  Replica(const std::string& archive_dir, const JetStreamOptions& log) {
    store = OrDie(JetStreamStore::Open(OrDie(SqliteStore::Open(archive_dir), "open archive"), log),
                  "open replica");
    hub = std::make_unique<Hub>(store.get());
  }
  void Start() {
    store->Start([hub = hub.get()](const FeedEvent& event) { hub->Publish(event); });
  }
  // The apply stops before the hub it feeds is destroyed.
  ~Replica() {
    store->Stop();
    hub.reset();
  }
};

struct JetStreamRun {
  double publish_rate = 0;
  double catch_up_rate = 0;  // 0 when not measured.
  double read_rate = 0;      // With --breakdown.
  double apply_rate = 0;
};

// Times reading the log's positions 1..last, then applying them to a fresh
// archive in `dir` (see --breakdown); fills run.read_rate and apply_rate.
void BreakDownCatchUp(const std::string& dir, const JetStreamOptions& options, uint64_t last,
                      JetStreamRun& run) {
  std::unique_ptr<JetStreamLog> log = OrDie(JetStreamLog::Open(options), "open log");
  std::vector<std::vector<LogMessage>> batches;
  absl::Time start = absl::Now();
  {
    std::unique_ptr<LogReader> reader = OrDie(log->ReadFrom(1), "read log");
    uint64_t read = 0;
    while (read < last) {
      std::vector<LogMessage> batch =
          OrDie(reader->Next(500, absl::Seconds(10)), "read log");
      if (batch.empty()) {
        std::fprintf(stderr, "scale_out: reading the log stalled at %llu\n",
                     static_cast<unsigned long long>(read));
        std::exit(2);
      }
      read = batch.back().sequence;
      batches.push_back(std::move(batch));
    }
  }
  run.read_rate = last / absl::ToDoubleSeconds(absl::Now() - start);
  std::unique_ptr<SqliteStore> archive = OrDie(SqliteStore::Open(dir), "open archive");
  start = absl::Now();
  for (const std::vector<LogMessage>& batch : batches) {
    std::vector<SqliteStore::LogEntry> entries;
    for (const LogMessage& message : batch) {
      Article article;
      if (!article.ParseFromString(message.data)) {
        std::fprintf(stderr, "scale_out: message %llu is not an Article\n",
                     static_cast<unsigned long long>(message.sequence));
        std::exit(2);
      }
      entries.push_back(SqliteStore::LogEntry{.article = std::move(article),
                                              .now = message.time,
                                              .releasing = false,
                                              .log_position = message.sequence});
    }
    for (const absl::StatusOr<AppendResult>& result : archive->ApplyLog(entries)) {
      if (!result.ok()) {
        std::fprintf(stderr, "scale_out: apply failed: %s\n", result.status().ToString().c_str());
        std::exit(2);
      }
    }
  }
  run.apply_rate = last / absl::ToDoubleSeconds(absl::Now() - start);
}

JetStreamRun RunJetStream(const std::string& dir, int servers_count,
                          std::vector<std::vector<Article>> work, bool catch_up,
                          bool breakdown) {
  NatsServers servers(servers_count, dir + "/nats");
  const JetStreamOptions log = LogOn(servers, dir);
  JetStreamRun run;
  uint64_t last = 0;
  {
    Replica publisher(dir + "/publisher", log);
    publisher.Start();
    Wire wire(publisher.store.get(), publisher.hub.get());
    run.publish_rate = PublishAll(wire, *publisher.store, std::move(work));
    last = publisher.store->AppliedPosition();
  }
  if (!catch_up) return run;
  Replica fresh(dir + "/catch-up", log);
  const absl::Time start = absl::Now();
  fresh.Start();
  if (!fresh.store->AwaitApplied(last, absl::Minutes(5))) {
    std::fprintf(stderr, "scale_out: the new replica applied %llu of %llu positions in 5 min\n",
                 static_cast<unsigned long long>(fresh.store->AppliedPosition()),
                 static_cast<unsigned long long>(last));
    std::exit(2);
  }
  run.catch_up_rate = last / absl::ToDoubleSeconds(absl::Now() - start);
  if (breakdown) BreakDownCatchUp(dir + "/breakdown", log, last, run);
  return run;
}

// What JetStreamStore::Append sends to the log for each article of `work`
// (as version 1); `total` counts them.
std::vector<std::vector<LogAppend>> ToAppends(std::vector<std::vector<Article>> work,
                                              size_t& total) {
  std::vector<std::vector<LogAppend>> appends(work.size());
  for (size_t p = 0; p < work.size(); ++p) {
    for (Article& article : work[p]) {
      article.set_version(1);
      LogAppend append;
      append.subject = ArticleSubject(article.id(), article.version());
      append.headers = {{std::string(kIdHeader), article.id()}};
      append.message_id = PublishMessageId(article.id(), article.version(),
                                           absl::StrCat(article.fingerprint(), ".0"));
      append.expect_empty_subject = true;
      append.data = article.SerializeAsString();
      appends[p].push_back(std::move(append));
      ++total;
    }
  }
  return appends;
}

double Quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[static_cast<size_t>(q * (v.size() - 1))];
}

// r1-split / r3-split: appends `work` from its threads, each append
// followed by a wait for a replica's apply of it; prints the halves and
// returns publishes per second.
double RunSplit(const std::string& dir, int servers_count,
                std::vector<std::vector<Article>> work) {
  NatsServers servers(servers_count, dir + "/nats");
  const JetStreamOptions options = LogOn(servers, dir);
  Replica replica(dir + "/replica", options);
  replica.Start();
  std::unique_ptr<JetStreamLog> log = OrDie(JetStreamLog::Open(options), "open log");
  size_t total = 0;
  std::vector<std::vector<LogAppend>> appends = ToAppends(std::move(work), total);
  std::vector<std::vector<double>> append_ms(appends.size()), apply_ms(appends.size());
  const absl::Time start = absl::Now();
  std::vector<std::thread> threads;
  for (size_t p = 0; p < appends.size(); ++p) {
    threads.emplace_back([&, p] {
      for (const LogAppend& append : appends[p]) {
        const absl::Time t0 = absl::Now();
        absl::StatusOr<LogAppended> appended = log->Append(append);
        if (!appended.ok() || appended->duplicate) {
          std::fprintf(stderr, "scale_out: append failed: %s\n",
                       appended.status().ToString().c_str());
          std::exit(1);
        }
        const absl::Time t1 = absl::Now();
        if (!replica.store->AwaitApplied(appended->sequence, absl::Seconds(30))) {
          std::fprintf(stderr, "scale_out: position %llu not applied in 30 s\n",
                       static_cast<unsigned long long>(appended->sequence));
          std::exit(1);
        }
        append_ms[p].push_back(absl::ToDoubleMilliseconds(t1 - t0));
        apply_ms[p].push_back(absl::ToDoubleMilliseconds(absl::Now() - t1));
      }
    });
  }
  for (auto& t : threads) t.join();
  const double rate = total / absl::ToDoubleSeconds(absl::Now() - start);
  std::vector<double> appending, applying;
  for (size_t p = 0; p < appends.size(); ++p) {
    appending.insert(appending.end(), append_ms[p].begin(), append_ms[p].end());
    applying.insert(applying.end(), apply_ms[p].begin(), apply_ms[p].end());
  }
  std::printf("  per publish: log append median %.2f ms, p90 %.2f ms; then waiting for the "
              "apply median %.2f ms, p90 %.2f ms\n",
              Quantile(appending, 0.5), Quantile(appending, 0.9), Quantile(applying, 0.5),
              Quantile(applying, 0.9));
  return rate;
}

// Appends `work` to a log on `servers_count` servers as JetStreamStore::Append
// would, without the apply; returns appends per second.
double RunLogOnly(const std::string& dir, int servers_count,
                  std::vector<std::vector<Article>> work) {
  NatsServers servers(servers_count, dir + "/nats");
  const JetStreamOptions options = LogOn(servers, dir);
  std::unique_ptr<JetStreamLog> log = OrDie(JetStreamLog::Open(options), "open log");
  size_t total = 0;
  std::vector<std::vector<LogAppend>> appends = ToAppends(std::move(work), total);
  const absl::Time start = absl::Now();
  std::vector<std::thread> threads;
  for (const auto& mine : appends) {
    threads.emplace_back([&log, &mine] {
      for (const LogAppend& append : mine) {
        absl::StatusOr<LogAppended> appended = log->Append(append);
        if (!appended.ok() || appended->duplicate) {
          std::fprintf(stderr, "scale_out: append failed: %s\n",
                       appended.status().ToString().c_str());
          std::exit(1);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  return total / absl::ToDoubleSeconds(absl::Now() - start);
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

// With `baseline` (sqlite's rates, round by round), also the ratio of the
// medians and the median (range) of the per-round ratios.
void PrintRow(const std::string& name, const std::vector<double>& rates,
              const std::vector<double>& baseline) {
  if (rates.empty()) return;
  std::printf("%-14s %10.0f %10.0f %10.0f", name.c_str(),
              *std::min_element(rates.begin(), rates.end()), Median(rates),
              *std::max_element(rates.begin(), rates.end()));
  if (baseline.size() == rates.size()) {
    std::vector<double> ratios;
    for (size_t r = 0; r < rates.size(); ++r) ratios.push_back(rates[r] / baseline[r]);
    std::printf("   %.2fx sqlite (medians); per round %.2fx (%.2f-%.2f)",
                Median(rates) / Median(baseline), Median(ratios),
                *std::min_element(ratios.begin(), ratios.end()),
                *std::max_element(ratios.begin(), ratios.end()));
  }
  std::printf("\n");
}

int Main(int argc, char** argv) {
  int articles = 3000, rounds = 5, publishers = 16;
  std::string dir = "/tmp/newswire-bench-scale-out", contenders_flag = "sqlite,r1,r3";
  bool no_catch_up = false, breakdown = false;
  BenchFlags flags;
  flags.Number("--articles", &articles)
      .Number("--rounds", &rounds)
      .Number("--publishers", &publishers)
      .Text("--dir", &dir)
      .Text("--contenders", &contenders_flag)
      .Switch("--no-catch-up", &no_catch_up)
      .Switch("--breakdown", &breakdown);
  if (!flags.Parse(argc, argv, "scale_out")) return 2;
  if (!NatsServers::Available()) {
    std::fprintf(stderr, "scale_out: nats-server is not installed\n");
    return 1;
  }
  const std::vector<std::string> contenders = absl::StrSplit(contenders_flag, ',');
  std::vector<std::vector<double>> publish(contenders.size()), catch_up(contenders.size()),
      read(contenders.size()), apply(contenders.size());
  for (int r = 0; r < rounds; ++r) {
    for (size_t c = 0; c < contenders.size(); ++c) {
      const std::string& name = contenders[c];
      const std::string run_dir = absl::StrCat(dir, "/", name);
      std::filesystem::remove_all(run_dir);
      std::filesystem::create_directories(run_dir);
      std::vector<std::vector<Article>> work = MakeWork(publishers, articles);
      if (name == "sqlite") {
        publish[c].push_back(RunSqlite(run_dir, std::move(work)));
        std::printf("round %d  %-6s  %8.0f articles/s\n", r + 1, name.c_str(),
                    publish[c].back());
      } else if (name == "r1" || name == "r3") {
        const JetStreamRun run =
            RunJetStream(run_dir, name == "r1" ? 1 : 3, std::move(work), !no_catch_up,
                         breakdown);
        publish[c].push_back(run.publish_rate);
        std::printf("round %d  %-6s  %8.0f articles/s", r + 1, name.c_str(), run.publish_rate);
        if (run.catch_up_rate > 0) {
          catch_up[c].push_back(run.catch_up_rate);
          std::printf("   catch-up %8.0f positions/s", run.catch_up_rate);
        }
        if (run.read_rate > 0) {
          read[c].push_back(run.read_rate);
          apply[c].push_back(run.apply_rate);
          std::printf("   (read alone %8.0f, apply alone %8.0f)", run.read_rate,
                      run.apply_rate);
        }
        std::printf("\n");
      } else if (name == "r1-split" || name == "r3-split") {
        publish[c].push_back(RunSplit(run_dir, name == "r1-split" ? 1 : 3, std::move(work)));
        std::printf("round %d  %-6s  %8.0f publishes/s\n", r + 1, name.c_str(),
                    publish[c].back());
      } else if (name == "r1-log" || name == "r3-log") {
        publish[c].push_back(RunLogOnly(run_dir, name == "r1-log" ? 1 : 3, std::move(work)));
        std::printf("round %d  %-6s  %8.0f appends/s\n", r + 1, name.c_str(),
                    publish[c].back());
      } else {
        std::fprintf(stderr, "scale_out: unknown contender %s\n", name.c_str());
        return 2;
      }
      std::fflush(stdout);
      std::filesystem::remove_all(run_dir);
    }
  }
  std::vector<double> baseline;
  for (size_t c = 0; c < contenders.size(); ++c) {
    if (contenders[c] == "sqlite") baseline = publish[c];
  }
  std::printf("\npublish, %d publishers  min        median     max   (articles/s, %d articles, "
              "%d rounds)\n",
              publishers, articles, rounds);
  for (size_t c = 0; c < contenders.size(); ++c) PrintRow(contenders[c], publish[c], baseline);
  if (!no_catch_up) {
    std::printf("\ncatch-up, new replica  min        median     max   (log positions/s, from "
                "zero, with search index)\n");
    for (size_t c = 0; c < contenders.size(); ++c) {
      PrintRow(contenders[c], catch_up[c], {});
    }
  }
  if (breakdown) {
    std::printf("\ncatch-up halves        min        median     max   (log positions/s)\n");
    for (size_t c = 0; c < contenders.size(); ++c) {
      PrintRow(contenders[c] + " read", read[c], {});
      PrintRow(contenders[c] + " apply", apply[c], {});
    }
  }
  return 0;
}

}  // namespace
}  // namespace newswire::bench

int main(int argc, char** argv) { return newswire::bench::Main(argc, argv); }
