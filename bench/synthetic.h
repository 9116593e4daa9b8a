// Synthetic news articles for benchmarks: varied headlines, datelines and
// bodies assembled from templates and word lists with a seeded generator,
// so the text is neither one story repeated nor random noise, and the same
// seed gives the same articles.
#ifndef NEWSWIRE_BENCH_SYNTHETIC_H_
#define NEWSWIRE_BENCH_SYNTHETIC_H_

#include <cstdint>
#include <random>

#include "core/article.h"

namespace newswire::bench {

class SyntheticArticles {
 public:
  explicit SyntheticArticles(uint64_t seed) : rng_(seed) {}

  // The next article: headline, dateline, 3-8 paragraphs, subjects and
  // places, a unique id ("urn:bench:<seed>:<n>").
  Article Next();

 private:
  std::mt19937_64 rng_;
  uint64_t count_ = 0;
};

}  // namespace newswire::bench

#endif  // NEWSWIRE_BENCH_SYNTHETIC_H_
