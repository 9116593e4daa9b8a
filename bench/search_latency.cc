// Search latency: how long SqliteStore::Search takes over a large archive,
// in-process (no gRPC), so it measures the archive and its index alone.
//
// Builds an archive of N synthetic articles (with quoted people, so rare
// words exist) through Wire from 16 publishers, or reuses one already in
// --dir; then runs a mix of query kinds (common and rare words, AND, phrase,
// OR, prefix, place and subject filters, a place alone, killed articles
// only (the archive has none, so walking the matches would read them all),
// newest-first listing, a day long ago with a word and without, page 2 by
// token in both orders), page_size 20,
// interleaved round-robin after one
// untimed warm-up round. A kind stops after R runs or once its runs add up
// to the budget, so a slow kind cannot hold the benchmark for hours (its
// p99 then rests on fewer runs: the count is shown). Reports p50 / p99 / max
// per kind and overall, and the hits on the page ("+": there is a page 2).
//
//   build-bench/bench/search_latency [--articles N] [--runs R] [--budget-s S]
//                                    [--dir PATH] [--reuse] [--only NAME-PART]
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "bench/synthetic.h"
#include "core/fanout/hub.h"
#include "core/store/sqlite_store.h"
#include "core/publish/wire.h"

namespace newswire::bench {
namespace {

constexpr int kPublishers = 16;
constexpr uint32_t kPageSize = 20;

[[noreturn]] void Fail(absl::string_view doing, const absl::Status& status) {
  std::fprintf(stderr, "%s: %s\n", std::string(doing).c_str(), status.ToString().c_str());
  std::exit(1);
}

// Publishes `total` articles from kPublishers threads, printing progress.
void Load(SqliteStore& store, int total) {
  Hub hub(&store);
  Wire wire(&store, &hub);
  std::atomic<int> published = 0;
  const absl::Time start = absl::Now();
  std::vector<std::thread> threads;
  for (int p = 0; p < kPublishers; ++p) {
    const int share = total / kPublishers + (p < total % kPublishers ? 1 : 0);
    threads.emplace_back([&wire, &published, p, share] {
      SyntheticArticles synthetic(1000 + p, {.quoted_people = true});
      for (int i = 0; i < share; ++i) {
        if (auto r = wire.Publish(synthetic.Next()); !r.ok()) Fail("publish", r.status());
        ++published;
      }
    });
  }
  for (int tick = 1; published.load() < total; ++tick) {
    absl::SleepFor(absl::Seconds(1));
    if (tick % 10 != 0) continue;
    const int shown = published.load();
    std::printf("loaded %8d / %d  %6.0f articles/s\n", shown, total,
                shown / absl::ToDoubleSeconds(absl::Now() - start));
    std::fflush(stdout);
  }
  for (auto& t : threads) t.join();
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  std::printf("load: %d articles in %.0f s = %.0f articles/s (%d publishers)\n\n", total,
              seconds, total / seconds, kPublishers);
  std::fflush(stdout);
}

struct QueryKind {
  std::string name;
  v1::SearchArticlesRequest request;
  std::vector<double> ms;
  double total_ms = 0;
  int hits = 0;
  bool more = false;
};

v1::SearchArticlesRequest Request(absl::string_view query,
                                  v1::SearchArticlesRequest::Order order = {}) {
  v1::SearchArticlesRequest r;
  r.set_query(std::string(query));
  r.set_order(order);
  r.set_page_size(kPageSize);
  return r;
}

// The request for page 2 of `first`.
v1::SearchArticlesRequest SecondPage(const SqliteStore& store,
                                     v1::SearchArticlesRequest first) {
  absl::StatusOr<v1::SearchArticlesResponse> page = store.Search(first);
  if (!page.ok()) Fail("page 1", page.status());
  if (page->next_page_token().empty()) Fail("page 1", absl::NotFoundError("no page 2"));
  first.set_page_token(page->next_page_token());
  return first;
}

std::vector<QueryKind> Kinds(const SqliteStore& store) {
  // Shares below are of articles matching, from the synthetic word lists.
  std::vector<QueryKind> kinds;
  auto add = [&kinds](absl::string_view name, v1::SearchArticlesRequest request) {
    kinds.push_back({.name = std::string(name), .request = std::move(request), .ms = {}});
  };
  add("common word", Request("council"));                 // headline actor, ~1/12
  add("word in most articles", Request("officials"));     // body sentence, ~2/3
  add("rare word", Request(SyntheticSurname(5000)));      // ~17 per million
  add("two words (AND)", Request("drought nairobi"));     // ~1/15 x 1/16
  add("phrase", Request("\"wind farm permits\""));        // ~1/15
  add("OR", Request("tram OR dredging"));                 // ~2/15
  add("prefix*", Request("expan*"));                      // expands, expansion: ~1/7
  v1::SearchArticlesRequest place = Request("flood");
  place.mutable_filter()->add_places("Lima");             // ~1/15 x 1/16
  add("word + place filter", place);
  v1::SearchArticlesRequest subject = Request("bridge");
  subject.mutable_filter()->add_subjects("transport");    // ~1/15 x 1/8
  add("word + subject filter", subject);
  add("newest listing, no query", Request(""));
  // Day 5 of the ~43 the archive's creation times span: ~23,000 articles.
  auto day_five = [](v1::SearchArticlesRequest r) {
    *r.mutable_since() = ToProtoTime(kSyntheticEpoch + absl::Hours(24 * 5));
    *r.mutable_until() = ToProtoTime(kSyntheticEpoch + absl::Hours(24 * 6));
    return r;
  };
  add("word, one day long ago", day_five(Request("council")));
  add("listing, one day long ago", day_five(Request("")));
  v1::SearchArticlesRequest place_only = Request("");
  place_only.mutable_filter()->add_places("Lima");
  add("place filter, no query", place_only);
  v1::SearchArticlesRequest killed = Request("council");
  killed.add_pub_statuses(v1::PUB_STATUS_CANCELED);       // none: the worst case
  add("killed only (word)", killed);
  add("relevance page 2", SecondPage(store, Request("council")));
  add("newest page 2 (word)",
      SecondPage(store, Request("council", v1::SearchArticlesRequest::ORDER_NEWEST)));
  return kinds;
}

// Nearest-rank percentile of sorted `v`.
double Percentile(const std::vector<double>& v, double p) {
  const size_t rank = static_cast<size_t>(std::ceil(p / 100 * v.size()));
  return v[std::max<size_t>(rank, 1) - 1];
}

void PrintRow(absl::string_view name, std::vector<double> ms, absl::string_view hits) {
  std::sort(ms.begin(), ms.end());
  std::printf("%-26s %9.2f %9.2f %9.2f  %5s %5zu\n", std::string(name).c_str(),
              Percentile(ms, 50), Percentile(ms, 99), ms.back(), std::string(hits).c_str(),
              ms.size());
}

int Main(int argc, char** argv) {
  int articles = 1000000, runs = 300, budget_s = 60;
  std::string dir = "/tmp/newswire-bench-search";
  bool reuse = false;
  std::string only;  // Runs only the kinds whose names contain this (profiling).
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    const char* value = i + 1 < argc ? argv[i + 1] : "";
    if (flag == "--reuse") reuse = true;
    if (flag == "--articles") (void)absl::SimpleAtoi(value, &articles);
    if (flag == "--runs") (void)absl::SimpleAtoi(value, &runs);
    if (flag == "--budget-s") (void)absl::SimpleAtoi(value, &budget_s);
    if (flag == "--dir") dir = value;
    if (flag == "--only") only = value;
  }
  const bool exists = std::filesystem::exists(std::filesystem::path(dir) / kArchiveFileName);
  if (!reuse || !exists) std::filesystem::remove_all(dir);
  auto store = SqliteStore::Open(dir);
  if (!store.ok()) Fail("open", store.status());
  if (reuse && exists) {
    std::printf("reusing %s: %llu articles\n\n", (*store)->path().c_str(),
                static_cast<unsigned long long>((*store)->HeadSequence()));
  } else {
    Load(**store, articles);
  }

  std::vector<QueryKind> kinds = Kinds(**store);
  std::erase_if(kinds, [&only](const QueryKind& k) { return !absl::StrContains(k.name, only); });
  for (int run = -1; run < runs; ++run) {  // Run -1 warms up, untimed.
    for (QueryKind& kind : kinds) {
      if (kind.total_ms > budget_s * 1000.0) continue;
      const absl::Time start = absl::Now();
      absl::StatusOr<v1::SearchArticlesResponse> response = (*store)->Search(kind.request);
      const double ms = absl::ToDoubleMilliseconds(absl::Now() - start);
      if (!response.ok()) Fail(kind.name, response.status());
      if (run < 0) continue;
      kind.ms.push_back(ms);
      kind.total_ms += ms;
      kind.hits = response->hits_size();
      kind.more = !response->next_page_token().empty();
    }
  }

  std::printf("%-26s %9s %9s %9s  %5s %5s   (ms; page_size %u, %llu articles)\n", "kind",
              "p50", "p99", "max", "hits", "runs", kPageSize,
              static_cast<unsigned long long>((*store)->HeadSequence()));
  std::vector<double> all;
  for (const QueryKind& kind : kinds) {
    PrintRow(kind.name, kind.ms, absl::StrCat(kind.hits, kind.more ? "+" : ""));
    all.insert(all.end(), kind.ms.begin(), kind.ms.end());
  }
  PrintRow("overall", all, "");
  return 0;
}

}  // namespace
}  // namespace newswire::bench

int main(int argc, char** argv) { return newswire::bench::Main(argc, argv); }
