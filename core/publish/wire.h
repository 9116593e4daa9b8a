// Wire: the one publish path. Every writer (gRPC, CLI, Python, a server
// loading files at start) publishes through it:
//   normalize → validate → authorize → Store::Append (assigns the
//   sequence) → Hub fanout.
#ifndef NEWSWIRE_CORE_PUBLISH_WIRE_H_
#define NEWSWIRE_CORE_PUBLISH_WIRE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <utility>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "core/fanout/hub.h"
#include "core/policy/gate.h"
#include "core/store/store.h"

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

// Why a publish was refused, by its status code: what it asked was wrong
// (kInvalid), in conflict with what is stored (kConflict), not allowed
// (kDenied) or over a limit (kLimited); kNone for OK and for failures of
// the server itself. The server's metrics count these, its log names them.
enum class Refusal { kNone, kInvalid, kConflict, kDenied, kLimited };
Refusal RefusalOf(const absl::Status& status);

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
  // Version 0 means "whichever is right", which is how feeds publish:
  //  - 1 for a new id; the current version when the content (fingerprint),
  //    pub_status and, if the article states one, version_created are
  //    unchanged (a duplicate); else the current version + 1.
  //  - A new id whose story is already stored under another id (the same
  //    canonical_url, or the same fingerprint: see Store::FindSameStory) is
  //    that story: a duplicate of its current version, whose id, version and
  //    sequence come back. The first feed to bring a story owns it; the
  //    others' copies add nothing, so two feeds never take turns updating.
  //  - A new article or version whose body is a near-duplicate of another
  //    story's (SimHash within kNearDuplicateBits) is published with a link
  //    {rel: "duplicate-of", href: that story's id}; subscribers may leave
  //    such articles out (Filter.exclude_duplicates). A new version of a
  //    stored story stays that story even if it now has another's URL or
  //    text; a copy of another's text is then a near-duplicate of it.
  // A version picked is picked again when the append is refused because
  // that version was taken meanwhile (a racing publish; on a replica, one
  // its archive had not applied yet), up to 8 times, so racing version-less
  // updates of one id each get a version of their own. Two such publishes
  // of a story new to the archive may both store it.
  //
  // `caller` must be allowed to publish it (AuthorizePublish: the publish
  // scope, and the article's and the stored story's source among its
  // sources); PERMISSION_DENIED names what is missing. With a gate set,
  // the denial, or the publish or kill, goes to the audit log (before the
  // append, so it is committed no later than the article).
  absl::StatusOr<PublishResult> Publish(Article article, const Caller& caller);
  // Publishes as the server's own process (InProcessCaller).
  absl::StatusOr<PublishResult> Publish(Article article);

  // Called after every publish with its result and how long it took (for
  // metrics); thread-safe and quick. Set before the first publish.
  using PublishObserver =
      std::function<void(const absl::StatusOr<PublishResult>&, absl::Duration)>;
  void SetObserver(PublishObserver observer) { observer_ = std::move(observer); }

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

  // Where publishes and denials are audited. REQUIRES: set before
  // publishing starts; outlives the Wire.
  void set_gate(Gate* gate) { gate_ = gate; }

  absl::Time Now() const { return clock_(); }

 private:
  absl::StatusOr<PublishResult> PublishUnobserved(Article article, const Caller& caller);

  struct VersionPick {
    bool known = false;      // The id is stored already,
    bool unchanged = false;  // and `article` repeats its current version.
    std::optional<Article> current;  // Which is this.
  };
  // Sets the version of `article` (normalized, asked for version 0) as
  // Publish describes.
  absl::StatusOr<VersionPick> PickVersion(Article& article) const;
  // Picks the version of `article` (asked for version 0), checks `caller`
  // may publish it and links a near-duplicate; returns what Publish
  // answers without appending (a repeat of another feed's story), if so.
  absl::StatusOr<std::optional<PublishResult>> PickAndVet(Article& article,
                                                          const Caller& caller) const;
  // Appends `article` and hands its event to the hub.
  absl::StatusOr<PublishResult> Append(Article article);
  // Whether `caller` may publish `article`; `current` is the stored
  // current version of its id when already read.
  absl::Status Authorize(const Caller& caller, const Article& article,
                         const std::optional<Article>* current) const;

  Store* const store_;
  Hub* const hub_;
  const Clock clock_;
  absl::AnyInvocable<void() const> on_hold_;
  PublishObserver observer_;
  Gate* gate_ = nullptr;
};

}  // namespace newswire

#endif  // NEWSWIRE_CORE_PUBLISH_WIRE_H_
