// A token bucket: at most `per_second` actions a second on average, and
// bursts of up to `burst` at once.
#ifndef NEWSWIRE_CORE_POLICY_RATE_LIMIT_H_
#define NEWSWIRE_CORE_POLICY_RATE_LIMIT_H_

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace newswire {

class TokenBucket {
 public:
  // `per_second` 0 allows everything. `burst` 0 means one second's worth
  // (at least 1). The bucket starts full.
  TokenBucket(double per_second, double burst);

  // Takes one token at `now` if there is one. Thread-safe.
  bool Take(absl::Time now);

  bool unlimited() const { return per_second_ <= 0; }
  double per_second() const { return per_second_; }

 private:
  const double per_second_;
  const double burst_;
  absl::Mutex mu_;
  double tokens_ ABSL_GUARDED_BY(mu_);
  absl::Time filled_at_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace newswire

#endif  // NEWSWIRE_CORE_POLICY_RATE_LIMIT_H_
