#include "bench/fanout/publisher.h"

#include <time.h>

#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>

#include "bench/fanout/payload.h"

namespace newswire::bench {

int64_t Pacer::Wait(int64_t i) {
  if (rate_ <= 0) return MonotonicNs();
  if (i == 0) start_ns_ = MonotonicNs();
  const int64_t due = start_ns_ + static_cast<int64_t>(i * 1e9 / rate_);
  const timespec at = {.tv_sec = due / 1'000'000'000, .tv_nsec = due % 1'000'000'000};
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, nullptr) != 0) {
  }
  return MonotonicNs();
}

int ServePublishCommands(
    const std::function<absl::Status(const PublishCommand&, PublishTimes&)>& publish) {
  std::string line;
  uint64_t run = 0;
  while (std::getline(std::cin, line)) {
    std::istringstream words(line);
    std::string verb;
    words >> verb;
    if (verb == "quit") break;
    PublishCommand command;
    if (verb != "publish" || !(words >> command.count >> command.rate >> command.batch)) {
      std::fprintf(stderr, "unknown command: %s\n", line.c_str());
      return 2;
    }
    command.run = ++run;
    PublishTimes times;
    if (absl::Status s = publish(command, times); !s.ok()) {
      std::fprintf(stderr, "publish failed: %s\n", s.ToString().c_str());
      return 1;
    }
    std::printf("published %lld %lld\n", static_cast<long long>(times.first_ns),
                static_cast<long long>(times.last_ns));
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace newswire::bench
