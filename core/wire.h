// Wire: the one publish path. Every writer (gRPC, CLI, Python, a server
// loading files at start) publishes through it:
//   normalize → validate → Store::Append (assigns the sequence) → Hub fanout.
#ifndef NEWSWIRE_CORE_WIRE_H_
#define NEWSWIRE_CORE_WIRE_H_

#include <cstdint>
#include <string>
#include <utility>

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
  // True when the article is held until its embargoed_until (sequence 0):
  // subscribers get it as an event when the embargo ends.
  bool held = false;
};

// The result as the API answers it, and back.
v1::PublishResponse ToPublishResponse(const PublishResult& result);
PublishResult FromPublishResponse(const v1::PublishResponse& response);

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
  //
  // An article embargoed until later is held (see Store::Append) and
  // `on_hold`, if set, is called.
  //
  // Version 0 means "whichever is right": 1 for a new id; the current
  // version when the content (fingerprint), pub_status and, if the article
  // states one, version_created are unchanged (a duplicate); else the current
  // version + 1. Feeds re-polled use this. Two such publishes racing with
  // different content may pick the same version: the second then gets
  // FAILED_PRECONDITION and nothing is lost.
  absl::StatusOr<PublishResult> Publish(Article article);

  // Publishes the held articles whose embargo has ended; returns how many
  // became events, or the Store's first error (what could be released
  // was). Articles that can no longer be published (a higher version came
  // meanwhile) are dropped. Thread-safe.
  absl::StatusOr<size_t> ReleaseDue();

  // Called after an article is held (see EmbargoClock), which reads the
  // embargo end from the Store. REQUIRES: set before publishing starts.
  void set_on_hold(absl::AnyInvocable<void() const> on_hold) {
    on_hold_ = std::move(on_hold);
  }

  absl::Time Now() const { return clock_(); }

 private:
  // Sets the version of `article` (normalized, asked for version 0) as
  // Publish describes.
  absl::Status PickVersion(Article& article) const;

  Store* const store_;
  Hub* const hub_;
  const Clock clock_;
  absl::AnyInvocable<void() const> on_hold_;
};

}  // namespace newswire

#endif  // NEWSWIRE_CORE_WIRE_H_
