#include "core/base/metrics.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"

namespace newswire {
namespace {

// A sample value: integers as integers, others to full precision.
std::string Number(double value) {
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    return absl::StrCat(static_cast<int64_t>(value));
  }
  return absl::StrFormat("%.9g", value);
}

std::string Labels(const MetricLabels& labels, const MetricLabels& extra = {}) {
  if (labels.empty() && extra.empty()) return "";
  std::vector<std::string> parts;
  for (const MetricLabels* set : {&labels, &extra}) {
    for (const auto& [name, value] : *set) {
      parts.push_back(absl::StrCat(
          name, "=\"",
          absl::StrReplaceAll(value, {{"\\", "\\\\"}, {"\"", "\\\""}, {"\n", "\\n"}}), "\""));
    }
  }
  return absl::StrCat("{", absl::StrJoin(parts, ","), "}");
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      counts_(std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1)) {
  for (size_t i = 0; i <= bounds_.size(); ++i) counts_[i].store(0);
}

void Histogram::Observe(double value) {
  const size_t bucket =
      std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  counts_[bucket].fetch_add(1, std::memory_order_relaxed);
  sum_micro_.fetch_add(static_cast<uint64_t>(std::max(0.0, value) * 1e6),
                       std::memory_order_relaxed);
}

std::vector<uint64_t> Histogram::counts() const {
  std::vector<uint64_t> out(bounds_.size() + 1);
  for (size_t i = 0; i < out.size(); ++i) out[i] = counts_[i].load(std::memory_order_relaxed);
  return out;
}

double Histogram::sum() const { return sum_micro_.load(std::memory_order_relaxed) / 1e6; }

uint64_t Histogram::count() const {
  uint64_t total = 0;
  for (uint64_t n : counts()) total += n;
  return total;
}

std::vector<double> LatencyBuckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
          0.025,  0.05,    0.1,    0.25,  0.5,    1,     2.5, 5, 10};
}

MetricsRegistry::Family& MetricsRegistry::FamilyOf(const std::string& name,
                                                   const std::string& help,
                                                   const std::string& type) {
  auto [it, added] = families_.try_emplace(name);
  if (added) {
    order_.push_back(name);
    it->second.help = help;
    it->second.type = type;
  }
  return it->second;
}

Counter& MetricsRegistry::AddCounter(const std::string& name, const std::string& help,
                                     MetricLabels labels) {
  absl::MutexLock lock(&mu_);
  counters_.push_back(std::make_unique<Counter>());
  FamilyOf(name, help, "counter")
      .series.push_back(Series{std::move(labels), counters_.back().get(), nullptr, {}});
  return *counters_.back();
}

Histogram& MetricsRegistry::AddHistogram(const std::string& name, const std::string& help,
                                         std::vector<double> bounds, MetricLabels labels) {
  absl::MutexLock lock(&mu_);
  histograms_.push_back(std::make_unique<Histogram>(std::move(bounds)));
  FamilyOf(name, help, "histogram")
      .series.push_back(Series{std::move(labels), nullptr, histograms_.back().get(), {}});
  return *histograms_.back();
}

void MetricsRegistry::AddGauge(const std::string& name, const std::string& help,
                               MetricLabels labels, std::function<double()> read) {
  absl::MutexLock lock(&mu_);
  FamilyOf(name, help, "gauge")
      .series.push_back(Series{std::move(labels), nullptr, nullptr, std::move(read)});
}

void MetricsRegistry::AddCounterFunc(const std::string& name, const std::string& help,
                                     MetricLabels labels, std::function<double()> read) {
  absl::MutexLock lock(&mu_);
  FamilyOf(name, help, "counter")
      .series.push_back(Series{std::move(labels), nullptr, nullptr, std::move(read)});
}

std::string MetricsRegistry::Render() const {
  absl::MutexLock lock(&mu_);
  std::string out;
  for (const std::string& name : order_) {
    const Family& family = families_.at(name);
    absl::StrAppend(&out, "# HELP ", name, " ", family.help, "\n# TYPE ", name, " ",
                    family.type, "\n");
    for (const Series& series : family.series) {
      if (series.histogram != nullptr) {
        const Histogram& h = *series.histogram;
        const std::vector<uint64_t> counts = h.counts();
        uint64_t cumulative = 0;
        for (size_t i = 0; i < counts.size(); ++i) {
          cumulative += counts[i];
          const double bound = i < h.bounds().size() ? h.bounds()[i] : INFINITY;
          absl::StrAppend(&out, name, "_bucket", Labels(series.labels, {{"le", Number(bound)}}),
                          " ", cumulative, "\n");
        }
        absl::StrAppend(&out, name, "_sum", Labels(series.labels), " ", Number(h.sum()), "\n",
                        name, "_count", Labels(series.labels), " ", cumulative, "\n");
        continue;
      }
      const double value = series.counter != nullptr
                               ? static_cast<double>(series.counter->value())
                               : series.read();
      absl::StrAppend(&out, name, Labels(series.labels), " ", Number(value), "\n");
    }
  }
  return out;
}

}  // namespace newswire
