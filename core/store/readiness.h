// Readiness: whether a server is fit to take subscribers now. A store that
// is its own truth always is. A replica of a shared log (Store::Progress)
// is while it keeps up: a load balancer then sends subscribers elsewhere
// rather than to a replica far behind, or cut off from, the log.
#ifndef NEWSWIRE_CORE_STORE_READINESS_H_
#define NEWSWIRE_CORE_STORE_READINESS_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "core/store/store.h"

namespace newswire {

// How far behind the log's head a ready replica may be, and how long ago
// it may have last seen the head (an idle replica asks every 250 ms).
inline constexpr uint64_t kReadyLagPositions = 1000;
inline constexpr absl::Duration kReadyHeadAge = absl::Seconds(10);

// OK, or UNAVAILABLE saying how far behind `store` is, at `now`.
absl::Status Readiness(const Store& store, absl::Time now);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_STORE_READINESS_H_
