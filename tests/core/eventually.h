// Waiting in tests for what other threads or processes bring about.
#ifndef NEWSWIRE_TESTS_CORE_EVENTUALLY_H_
#define NEWSWIRE_TESTS_CORE_EVENTUALLY_H_

#include <functional>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace newswire {

// Whether `holds` becomes true within `within`, asked every 20 ms.
inline bool Eventually(const std::function<bool()>& holds,
                       absl::Duration within = absl::Seconds(10)) {
  const absl::Time deadline = absl::Now() + within;
  while (!holds()) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return true;
}

}  // namespace newswire

#endif  // NEWSWIRE_TESTS_CORE_EVENTUALLY_H_
