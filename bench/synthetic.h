// Synthetic news articles for benchmarks: varied headlines, datelines and
// bodies assembled from templates and word lists with a seeded generator,
// so the text is neither one story repeated nor random noise, and the same
// seed gives the same articles.
#ifndef NEWSWIRE_BENCH_SYNTHETIC_H_
#define NEWSWIRE_BENCH_SYNTHETIC_H_

#include <cstdint>
#include <random>
#include <string>

#include "absl/time/time.h"
#include "core/model/article.h"

namespace newswire::bench {

// What an article holds beyond the templates.
struct SyntheticOptions {
  // Adds a paragraph quoting a named person, also listed in people. The
  // templates alone put every word in thousands of articles; real news has
  // rare words too (people, small places), so surnames are made up from
  // syllables and drawn Zipf-like from a population of kSyntheticPeople:
  // rank r appears in about 1 / ((r + 1) * ln(kSyntheticPeople)) of articles.
  bool quoted_people = false;
};

inline constexpr int kSyntheticPeople = 100000;

// Article n of a generator was first created n minutes after this time.
inline constexpr absl::Time kSyntheticEpoch = absl::FromUnixSeconds(1704067200);  // 2024-01-01Z

// The surname of rank `rank` (0 is the most common) in the quoted-people
// population, for queries that hit a known share of articles.
// REQUIRES: 0 <= rank < kSyntheticPeople.
std::string SyntheticSurname(int rank);

class SyntheticArticles {
 public:
  explicit SyntheticArticles(uint64_t seed, SyntheticOptions options = {})
      : seed_(seed), options_(options), rng_(seed) {}

  // The next article: headline, dateline, 3-8 paragraphs, subjects and
  // places, a unique id ("urn:bench:<seed>:<n>"), so generators with
  // different seeds never collide.
  Article Next();

 private:
  const uint64_t seed_;
  const SyntheticOptions options_;
  std::mt19937_64 rng_;
  uint64_t count_ = 0;
};

}  // namespace newswire::bench

#endif  // NEWSWIRE_BENCH_SYNTHETIC_H_
