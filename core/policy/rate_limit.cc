#include "core/policy/rate_limit.h"

#include <algorithm>

namespace newswire {

TokenBucket::TokenBucket(double per_second, double burst)
    : per_second_(per_second),
      burst_(burst > 0 ? burst : std::max(1.0, per_second)),
      tokens_(burst_) {}

bool TokenBucket::Take(absl::Time now) {
  if (unlimited()) return true;
  absl::MutexLock lock(&mu_);
  if (filled_at_ != absl::InfinitePast() && now > filled_at_) {
    tokens_ =
        std::min(burst_, tokens_ + absl::ToDoubleSeconds(now - filled_at_) * per_second_);
  }
  if (now > filled_at_) filled_at_ = now;
  if (tokens_ < 1) return false;
  tokens_ -= 1;
  return true;
}

}  // namespace newswire
