// Feed ingest parse throughput (issue 5): newswire::ParseFeed against the
// floor of a bare parse of the same bytes by the libraries it is built on,
// libxml2 (xmlReadMemory + xmlFreeDoc) for XML and a simdjson DOM parse for
// JSON. Every feed file of the corpus is read into memory once, before any
// clock starts; then, round by round, the two contenders alternate (which
// goes first alternates too), because this machine's speed drifts under
// load. The report gives min / median MB/s and items/s per contender and
// the median of the per-round ratios. bench/ingest_parse.py runs this
// binary between its own rounds (newswire from Python, feedparser) so one
// run interleaves all four.
//
//   build/bench/ingest_parse [--rounds R] [--min-seconds S] [--all] [--tsv]
//                            [--only newswire|floor] [CORPUS_DIR]
//
// CORPUS_DIR defaults to ../shared/corpus beside the source tree. Feed
// files are the *.xml and *.json files under it, except feed-rs's expected
// outputs (*.serde.json) and, unless --all, defusedxml/ (entity bombs and
// XXE samples whose roots are not feeds). XML or JSON is told by the file
// name. A measurement repeats whole passes over the files until it has
// taken --min-seconds (at least one pass); each file is timed on its own so
// the XML and JSON shares of a pass are known. Items are newswire's count
// (articles + skipped items) of the files a row covers; the floor rows use
// the same count, so their items/s says how fast those items could arrive.
// --tsv prints one machine-readable line per measurement instead of the
// table, tab-separated:
//   result ROUND CONTENDER FILES BYTES ITEMS REFUSED SECONDS-PER-PASS
// --only runs one contender and prints only its rounds: for a profiler
// (perf record -g build/bench/ingest_parse --only newswire).
#include <libxml/parser.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/string_view.h"
#include "core/ingest/feed.h"
#include "simdjson.h"

namespace newswire::bench {
namespace {

#ifndef NEWSWIRE_SOURCE_DIR
#define NEWSWIRE_SOURCE_DIR "."
#endif

struct CorpusFile {
  std::string path;  // Relative to the corpus directory.
  std::string bytes;
  bool json = false;
  size_t items = 0;  // newswire's articles + skipped items; 0 if it refuses the file.
};

// The feed files under `dir` (see the header), sorted by path.
std::vector<CorpusFile> LoadCorpus(const std::filesystem::path& dir, bool all) {
  std::vector<CorpusFile> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    const std::string path =
        std::filesystem::relative(entry.path(), dir).generic_string();
    const bool json = absl::EndsWith(path, ".json");
    if (!json && !absl::EndsWith(path, ".xml")) continue;
    if (absl::EndsWith(path, ".serde.json")) continue;
    if (!all && absl::StartsWith(path, "defusedxml/")) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    files.push_back({path, std::move(bytes).str(), json, 0});
  }
  std::sort(files.begin(), files.end(),
            [](const CorpusFile& a, const CorpusFile& b) { return a.path < b.path; });
  return files;
}

// One contender's work over one pass, split by kind of file.
struct Tally {
  size_t files = 0;
  size_t bytes = 0;
  size_t items = 0;
  size_t rejected = 0;  // Files the parser refused (counted in bytes all the same).
  double seconds = 0;   // Per pass.
};
struct Split {
  Tally xml, json;
};

// Parses one file; returns false if the parser refused it.
using ParseFn = std::function<bool(const CorpusFile&)>;

// Passes over `files` until `min_seconds` have gone (at least one pass),
// timing each file; returns the per-pass tallies.
Split Measure(const std::vector<CorpusFile>& files, const ParseFn& parse,
              double min_seconds) {
  using Clock = std::chrono::steady_clock;
  Split split;
  double total = 0;
  int passes = 0;
  while (passes == 0 || total < min_seconds) {
    ++passes;
    for (const CorpusFile& file : files) {
      const Clock::time_point start = Clock::now();
      const bool ok = parse(file);
      const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
      Tally& tally = file.json ? split.json : split.xml;
      tally.seconds += seconds;
      total += seconds;
      if (passes == 1) {
        ++tally.files;
        tally.bytes += file.bytes.size();
        tally.items += file.items;
        tally.rejected += !ok;
      }
    }
  }
  split.xml.seconds /= passes;
  split.json.seconds /= passes;
  return split;
}

Tally Sum(const Tally& a, const Tally& b) {
  return {a.files + b.files, a.bytes + b.bytes, a.items + b.items,
          a.rejected + b.rejected, a.seconds + b.seconds};
}

bool ParseWithNewswire(const CorpusFile& file) { return ParseFeed(file.bytes).ok(); }

// The floor: what the libraries alone cost on the same bytes.
bool ParseBare(const CorpusFile& file) {
  if (file.json) {
    thread_local simdjson::dom::parser parser;
    simdjson::dom::element root;
    return parser.parse(file.bytes.data(), file.bytes.size()).get(root) ==
           simdjson::SUCCESS;
  }
  xmlDoc* doc = xmlReadMemory(
      file.bytes.data(), static_cast<int>(file.bytes.size()), nullptr, nullptr,
      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_RECOVER);
  if (doc == nullptr) return false;
  xmlFreeDoc(doc);
  return true;
}

// libxml2 prints some errors (failed encoding conversions of the UTF-32
// files) through its generic handler whatever the parser options; the floor
// prints nothing. newswire installs its own handlers around its parses.
void IgnoreXmlError(void* /*ctx*/, const char* /*msg*/, ...) {}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

struct Row {
  const char* name;
  Tally tally;  // Of the first round; files, bytes and items do not change.
  std::vector<double> seconds;
};

int Main(int argc, char** argv) {
  int rounds = 5;
  double min_seconds = 0.5;
  bool all = false, tsv = false;
  std::string only;
  std::filesystem::path corpus =
      std::filesystem::path(NEWSWIRE_SOURCE_DIR) / ".." / "shared" / "corpus";
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--all") {
      all = true;
    } else if (flag == "--tsv") {
      tsv = true;
    } else if (flag == "--rounds" && i + 1 < argc) {
      (void)absl::SimpleAtoi(argv[++i], &rounds);
    } else if (flag == "--only" && i + 1 < argc) {
      only = argv[++i];
    } else if (flag == "--min-seconds" && i + 1 < argc) {
      (void)absl::SimpleAtod(argv[++i], &min_seconds);
    } else if (!absl::StartsWith(flag, "--")) {
      corpus = flag;
    } else {
      std::fprintf(stderr,
                   "usage: %s [--rounds R] [--min-seconds S] [--all] [--tsv] "
                   "[--only newswire|floor] [CORPUS_DIR]\n",
                   argv[0]);
      return 1;
    }
  }
  if (!only.empty() && only != "newswire" && only != "floor") {
    std::fprintf(stderr, "--only takes newswire or floor, not %s\n", only.c_str());
    return 1;
  }
  if (!std::filesystem::is_directory(corpus)) {
    std::fprintf(stderr, "no corpus directory at %s\n", corpus.c_str());
    return 1;
  }
  xmlSetGenericErrorFunc(nullptr, IgnoreXmlError);
  std::vector<CorpusFile> files = LoadCorpus(corpus, all);
  if (files.empty()) {
    std::fprintf(stderr, "no .xml or .json files under %s\n", corpus.c_str());
    return 1;
  }
  // Untimed: counts each file's items, and warms both contenders.
  for (CorpusFile& file : files) {
    absl::StatusOr<Feed> feed = ParseFeed(file.bytes);
    if (feed.ok()) file.items = feed->articles.size() + feed->skipped_items;
    (void)ParseBare(file);
  }

  enum { kNewswire, kNewswireXml, kNewswireJson, kFloor, kFloorXml, kFloorJson };
  std::vector<Row> rows = {{"newswire", {}, {}},        {"newswire (XML)", {}, {}},
                           {"newswire (JSON)", {}, {}}, {"floor", {}, {}},
                           {"libxml2 (XML)", {}, {}},   {"simdjson (JSON)", {}, {}}};
  const auto record = [&](int round, int first, const Split& split) {
    const Tally tallies[] = {Sum(split.xml, split.json), split.xml, split.json};
    for (int k = 0; k < 3; ++k) {
      if (tallies[k].files == 0) continue;  // A corpus without XML or JSON files.
      Row& row = rows[first + k];
      if (row.seconds.empty()) row.tally = tallies[k];
      row.seconds.push_back(tallies[k].seconds);
      if (tsv) {
        std::printf("result\t%d\t%s\t%zu\t%zu\t%zu\t%zu\t%.9f\n", round, row.name,
                    tallies[k].files, tallies[k].bytes, tallies[k].items,
                    tallies[k].rejected, tallies[k].seconds);
      }
    }
  };
  const bool run_newswire = only.empty() || only == "newswire";
  const bool run_floor = only.empty() || only == "floor";
  for (int r = 0; r < rounds; ++r) {
    for (int turn = 0; turn < 2; ++turn) {
      if ((turn + r) % 2 == 0) {
        if (run_newswire)
          record(r + 1, kNewswire, Measure(files, ParseWithNewswire, min_seconds));
      } else {
        if (run_floor) record(r + 1, kFloor, Measure(files, ParseBare, min_seconds));
      }
    }
    if (!tsv) {
      std::printf("round %d ", r + 1);
      for (const Row& row : rows) {
        if (row.seconds.empty()) continue;
        std::printf(" %s %.2f", row.name, row.tally.bytes / row.seconds.back() / 1e6);
      }
      std::printf(" (MB/s)\n");
    }
  }
  if (tsv) return 0;

  std::printf("\ncorpus %s: %zu files, %d rounds, >= %.2f s per measurement\n",
              corpus.c_str(), files.size(), rounds, min_seconds);
  std::printf("%-16s %6s %9s %6s %8s %12s %12s %12s %12s\n", "contender", "files",
              "bytes", "items", "refused", "min MB/s", "median MB/s", "min items/s",
              "med items/s");
  for (const Row& row : rows) {
    if (row.seconds.empty()) continue;
    // The slowest round gives the minimum rate.
    const double slowest = *std::max_element(row.seconds.begin(), row.seconds.end());
    const double median = Median(row.seconds);
    std::printf("%-16s %6zu %9zu %6zu %8zu %12.2f %12.2f %12.0f %12.0f\n", row.name,
                row.tally.files, row.tally.bytes, row.tally.items, row.tally.rejected,
                row.tally.bytes / slowest / 1e6, row.tally.bytes / median / 1e6,
                row.tally.items / slowest, row.tally.items / median);
  }
  if (!run_newswire || !run_floor) return 0;
  // Per-round ratios of time on the same files: how many times slower
  // newswire is than the bare parse.
  std::printf("\nnewswire time / floor time (median of per-round ratios):\n");
  const auto slower = [&](const char* label, int nw, int floor) {
    if (rows[nw].seconds.empty()) return;
    std::vector<double> ratios;
    for (int r = 0; r < rounds; ++r) {
      ratios.push_back(rows[nw].seconds[r] / rows[floor].seconds[r]);
    }
    std::printf("  %-24s%.2fx\n", label, Median(ratios));
  };
  slower("XML files, / libxml2:", kNewswireXml, kFloorXml);
  slower("JSON files, / simdjson:", kNewswireJson, kFloorJson);
  slower("all files:", kNewswire, kFloor);
  return 0;
}

}  // namespace
}  // namespace newswire::bench

int main(int argc, char** argv) { return newswire::bench::Main(argc, argv); }
