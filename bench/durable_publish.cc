// Durable publish throughput: articles/s through the one publish path
// (Wire → SqliteStore → Hub) with 1 and 16 concurrent publishers, group
// commit on, synchronous=FULL. Contenders are interleaved and repeated, and
// the report gives min / median / max per contender and the median ratio,
// because this machine's speed drifts under sustained load.
//
//   build/bench/durable_publish [--articles N] [--rounds R] [--dir PATH] [--existing]
//                               [--memory]
//
// --existing publishes onto the archive already in --dir (say, the
// 1,000,000-article one of search_latency) instead of a fresh one per run,
// to show throughput as an archive grows; every run publishes new ids.
// --memory publishes onto a fresh archive in memory (SqliteStore::OpenInMemory,
// as `serve --memory` does) instead: the same path without the disk.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "bench/synthetic.h"
#include "core/fanout/hub.h"
#include "core/store/sqlite_store.h"
#include "core/publish/wire.h"

namespace newswire::bench {
namespace {

// Publishes `total` articles (from generator `seed`) from `publishers`
// threads, on a fresh archive unless `existing` (in memory if `memory`);
// returns articles per second.
double Run(const std::string& dir, bool existing, bool memory, int publishers, int total,
           uint64_t seed) {
  if (!existing && !memory) std::filesystem::remove_all(dir);
  auto store = memory ? SqliteStore::OpenInMemory() : SqliteStore::Open(dir);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", std::string(store.status().message()).c_str());
    std::exit(1);
  }
  Hub hub(store->get());
  Wire wire(store->get(), &hub);
  // Articles are made before the clock starts.
  std::vector<std::vector<Article>> work(publishers);
  SyntheticArticles synthetic(seed);
  const uint64_t head_before = (*store)->HeadSequence();
  for (int i = 0; i < total; ++i) work[i % publishers].push_back(synthetic.Next());

  const absl::Time start = absl::Now();
  std::vector<std::thread> threads;
  for (int p = 0; p < publishers; ++p) {
    threads.emplace_back([&wire, &articles = work[p]] {
      for (Article& a : articles) {
        auto r = wire.Publish(std::move(a));
        if (!r.ok()) {
          std::fprintf(stderr, "publish failed: %s\n",
                       std::string(r.status().message()).c_str());
          std::exit(1);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  if ((*store)->HeadSequence() != head_before + total) {
    std::fprintf(stderr, "expected %d new events, got %llu\n", total,
                 static_cast<unsigned long long>((*store)->HeadSequence() - head_before));
    std::exit(2);
  }
  return total / seconds;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

int Main(int argc, char** argv) {
  int articles = 3000, rounds = 5;
  std::string dir = "/tmp/newswire-bench-publish";
  bool existing = false, memory = false;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--existing") {
      existing = true;
    } else if (flag == "--memory") {
      memory = true;
    } else if (i + 1 < argc) {
      const char* value = argv[++i];
      if (flag == "--articles") (void)absl::SimpleAtoi(value, &articles);
      if (flag == "--rounds") (void)absl::SimpleAtoi(value, &rounds);
      if (flag == "--dir") dir = value;
    }
  }
  const std::vector<int> contenders = {1, 16};
  std::vector<std::vector<double>> rates(contenders.size());
  for (int r = 0; r < rounds; ++r) {
    for (size_t c = 0; c < contenders.size(); ++c) {
      // Fresh archives may repeat a seed; onto an existing one, ids must be new.
      const uint64_t seed = existing ? absl::ToUnixMicros(absl::Now()) : 42;
      rates[c].push_back(Run(dir, existing, memory, contenders[c], articles, seed));
      std::printf("round %d  %2d publishers  %8.0f articles/s\n", r + 1, contenders[c],
                  rates[c].back());
    }
  }
  if (!existing && !memory) std::filesystem::remove_all(dir);
  std::printf("\n%-12s %10s %10s %10s   (articles/s, %d articles, %d rounds)\n",
              "publishers", "min", "median", "max", articles, rounds);
  for (size_t c = 0; c < contenders.size(); ++c) {
    std::printf("%-12d %10.0f %10.0f %10.0f\n", contenders[c],
                *std::min_element(rates[c].begin(), rates[c].end()), Median(rates[c]),
                *std::max_element(rates[c].begin(), rates[c].end()));
  }
  std::printf("median ratio 16/1: %.1fx\n", Median(rates[1]) / Median(rates[0]));
  return 0;
}

}  // namespace
}  // namespace newswire::bench

int main(int argc, char** argv) { return newswire::bench::Main(argc, argv); }
