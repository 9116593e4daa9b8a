// Wire: the one publish path. Every writer (gRPC, CLI, Python, a server
// loading files at start) publishes through it:
//   normalize → validate → Store::Append (assigns the sequence) → Hub fanout.
#ifndef NEWSWIRE_CORE_WIRE_H_
#define NEWSWIRE_CORE_WIRE_H_

#include <cstdint>
#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "core/hub.h"
#include "core/store.h"

namespace newswire {

// What a publish did; mirrors v1::PublishResponse.
struct PublishResult {
  std::string id;
  uint32_t version = 0;
  // Sequence of the event; for a duplicate, that of the first one.
  uint64_t sequence = 0;
  bool duplicate = false;
};

class Wire {
 public:
  using Clock = absl::AnyInvocable<absl::Time() const>;

  // REQUIRES: `store` and `hub` outlive the Wire; `hub` was built on `store`.
  Wire(Store* store, Hub* hub, Clock clock = [] { return absl::Now(); });

  // Publishes `article`. Returns INVALID_ARGUMENT naming the bad field,
  // FAILED_PRECONDITION for a version conflict (see Store::Append), or the
  // Store's error; nothing is stored or sent then. On success the event is
  // in the Store before any subscriber sees it, and a duplicate emits
  // nothing. Thread-safe: concurrent publishes share the Store's commits.
  absl::StatusOr<PublishResult> Publish(Article article);

 private:
  Store* const store_;
  Hub* const hub_;
  const Clock clock_;
};

}  // namespace newswire

#endif  // NEWSWIRE_CORE_WIRE_H_
