#include "core/base/metrics.h"

#include <string>

#include "gtest/gtest.h"

namespace newswire {
namespace {

TEST(MetricsRegistry, RendersThePrometheusTextFormat) {
  MetricsRegistry registry;
  Counter& ok = registry.AddCounter("nw_things_total", "Things done.", {{"result", "ok"}});
  Counter& bad = registry.AddCounter("nw_things_total", "Things done.", {{"result", "b\"ad"}});
  Histogram& latency = registry.AddHistogram("nw_seconds", "Time taken.", {0.1, 1});
  registry.AddGauge("nw_size", "Size now.", {}, [] { return 1.5; });
  ok.Add(3);
  bad.Add();
  latency.Observe(0.05);
  latency.Observe(0.5);
  latency.Observe(absl::Seconds(5));
  EXPECT_EQ(registry.Render(),
            "# HELP nw_things_total Things done.\n"
            "# TYPE nw_things_total counter\n"
            "nw_things_total{result=\"ok\"} 3\n"
            "nw_things_total{result=\"b\\\"ad\"} 1\n"
            "# HELP nw_seconds Time taken.\n"
            "# TYPE nw_seconds histogram\n"
            "nw_seconds_bucket{le=\"0.1\"} 1\n"
            "nw_seconds_bucket{le=\"1\"} 2\n"
            "nw_seconds_bucket{le=\"+Inf\"} 3\n"
            "nw_seconds_sum 5.55\n"
            "nw_seconds_count 3\n"
            "# HELP nw_size Size now.\n"
            "# TYPE nw_size gauge\n"
            "nw_size 1.5\n");
}

TEST(Histogram, ABoundIsInItsOwnBucket) {
  Histogram histogram({1, 2});
  histogram.Observe(1.0);
  histogram.Observe(2.5);
  EXPECT_EQ(histogram.counts(), (std::vector<uint64_t>{1, 0, 1}));
  EXPECT_EQ(histogram.count(), 2u);
}

}  // namespace
}  // namespace newswire
