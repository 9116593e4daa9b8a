#include "bench/fanout/receipts.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"

namespace newswire::bench {

void Receipts::Stream::Message(int64_t now_ns, absl::Span<const int64_t> stamps,
                               absl::Span<const uint64_t> sequences) {
  if (stamps.empty()) return;
  {
    absl::MutexLock lock(&mu_);
    for (uint64_t sequence : sequences) {
      if (last_sequence_ != 0 && sequence <= last_sequence_) {
        ++duplicates_;
        continue;
      }
      if (last_sequence_ != 0) gaps_ += sequence - last_sequence_ - 1;
      last_sequence_ = sequence;
    }
    events_ += stamps.size();
    ++messages_;
    last_ns_ = now_ns;
    if (owner_->latency_) {
      for (int64_t stamp : stamps) latencies_ns_.push_back(now_ns - stamp);
    }
  }
  owner_->received_.fetch_add(stamps.size(), std::memory_order_relaxed);
}

Receipts::Receipts(int streams, int64_t expected, bool latency)
    : expected_(expected), expected_total_(expected * streams), latency_(latency) {
  for (int i = 0; i < streams; ++i) streams_.emplace_back(this);
}

void Receipts::Failed(const std::string& why) {
  if (failed_.fetch_add(1) == 0) std::fprintf(stderr, "stream failed: %s\n", why.c_str());
}

int Receipts::Run(absl::Duration idle) {
  while (subscribed_.load() < static_cast<int>(streams_.size())) {
    if (failed_.load() > 0) return 1;
    absl::SleepFor(absl::Milliseconds(5));
  }
  std::printf("ready\n");
  std::fflush(stdout);
  if (expected_ == 0) {
    std::string line;
    while (std::getline(std::cin, line)) {
    }
    return failed_.load() > 0 ? 1 : 0;
  }
  int64_t seen = 0;
  absl::Time progress = absl::Now();
  while (received_.load() < expected_total_) {
    absl::SleepFor(absl::Milliseconds(5));
    const int64_t now = received_.load();
    if (now != seen) {
      seen = now;
      progress = absl::Now();
    } else if (seen > 0 && absl::Now() - progress > idle) {
      break;
    }
    if (failed_.load() > 0) break;
  }
  std::printf("%s\n", Report().c_str());
  std::fflush(stdout);
  return failed_.load() > 0 ? 1 : 0;
}

void Receipts::RunThenExit(absl::Duration idle) {
  const int code = Run(idle);
  std::fflush(stdout);
  std::_Exit(code);
}

std::string Receipts::Report() {
  int64_t events = 0, messages = 0, last_ns = 0, complete = 0;
  int64_t sequenced = 0, gaps = 0, duplicates = 0;
  std::vector<int64_t> latencies;
  for (Stream& s : streams_) {
    absl::MutexLock lock(&s.mu_);
    events += s.events_;
    messages += s.messages_;
    last_ns = std::max(last_ns, s.last_ns_);
    if (s.events_ >= expected_) ++complete;
    if (s.last_sequence_ != 0) ++sequenced;
    gaps += s.gaps_;
    duplicates += s.duplicates_;
    latencies.insert(latencies.end(), s.latencies_ns_.begin(), s.latencies_ns_.end());
  }
  auto percentile_us = [&latencies](double p) -> double {
    if (latencies.empty()) return 0;
    const size_t k = std::min(latencies.size() - 1, static_cast<size_t>(p * latencies.size()));
    std::nth_element(latencies.begin(), latencies.begin() + k, latencies.end());
    return latencies[k] / 1e3;
  };
  const double p50 = percentile_us(0.50), p99 = percentile_us(0.99),
               max = latencies.empty() ? 0 : *std::max_element(latencies.begin(), latencies.end()) / 1e3;
  return absl::StrFormat(
      "done received=%d last_ns=%d messages=%d complete=%d samples=%d p50_us=%.1f "
      "p99_us=%.1f max_us=%.1f sequenced=%d gaps=%d duplicates=%d",
      events, last_ns, messages, complete, latencies.size(), p50, p99, max, sequenced, gaps,
      duplicates);
}

}  // namespace newswire::bench
