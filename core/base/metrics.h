// Metrics in the Prometheus text exposition format (version 0.0.4), for
// GET /metrics: counters, histograms, and gauges or counters read from a
// function when scraped (sizes and counts kept elsewhere).
//
// Updating a counter or histogram is a few relaxed atomic adds, so the hot
// paths (publish, fanout) can afford them. Series are created up front
// (Add*), each with its labels, and never removed.
#ifndef NEWSWIRE_CORE_BASE_METRICS_H_
#define NEWSWIRE_CORE_BASE_METRICS_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace newswire {

// Label names and values of one series: {{"result", "accepted"}}.
using MetricLabels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void Add(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// Observations counted into buckets by upper bound (cumulative when
// rendered), with their sum: latencies in seconds.
class Histogram {
 public:
  // `bounds` ascending; +Inf is implied.
  explicit Histogram(std::vector<double> bounds);
  void Observe(double value);
  void Observe(absl::Duration d) { Observe(absl::ToDoubleSeconds(d)); }

  const std::vector<double>& bounds() const { return bounds_; }
  // Per bucket (not cumulative), the last for +Inf.
  std::vector<uint64_t> counts() const;
  double sum() const;
  uint64_t count() const;

 private:
  const std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // bounds_.size() + 1.
  std::atomic<uint64_t> sum_micro_{0};               // Sum, in millionths.
};

// Latency buckets from 100 µs to 10 s.
std::vector<double> LatencyBuckets();

class MetricsRegistry {
 public:
  // Each returns a series that lives as long as the registry. A name gets
  // one HELP and TYPE however many label sets it has; `name` follows
  // Prometheus conventions (newswire_..._total for counters, _seconds).
  Counter& AddCounter(const std::string& name, const std::string& help,
                      MetricLabels labels = {});
  Histogram& AddHistogram(const std::string& name, const std::string& help,
                          std::vector<double> bounds, MetricLabels labels = {});
  // Read when scraped; `read` must be thread-safe and cheap.
  void AddGauge(const std::string& name, const std::string& help, MetricLabels labels,
                std::function<double()> read);
  void AddCounterFunc(const std::string& name, const std::string& help, MetricLabels labels,
                      std::function<double()> read);

  // Every series, grouped by name in the order added. Thread-safe.
  std::string Render() const;

 private:
  struct Series {
    MetricLabels labels;
    Counter* counter = nullptr;
    Histogram* histogram = nullptr;
    std::function<double()> read;
  };
  struct Family {
    std::string help;
    std::string type;  // "counter", "gauge", "histogram".
    std::vector<Series> series;
  };
  Family& FamilyOf(const std::string& name, const std::string& help, const std::string& type)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  std::vector<std::string> order_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, Family> families_ ABSL_GUARDED_BY(mu_);
  std::vector<std::unique_ptr<Counter>> counters_ ABSL_GUARDED_BY(mu_);
  std::vector<std::unique_ptr<Histogram>> histograms_ ABSL_GUARDED_BY(mu_);
};

}  // namespace newswire

#endif  // NEWSWIRE_CORE_BASE_METRICS_H_
