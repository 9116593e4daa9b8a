// The Hub fans appended events out to subscriptions.
//
// A subscription first catches up from the Store, then joins the live
// stream; the hand-off is exact, so a subscriber sees sequences strictly
// increasing with no gap and no duplicate, even while publishes race with
// it. Each live event is framed once per view and the same bytes are shared
// by every subscription. A subscription whose queue outgrows its bound drops
// the queue and falls back to catch-up from the Store: it never loses an
// event, never blocks a publisher and never grows memory without bound.
#ifndef NEWSWIRE_CORE_HUB_H_
#define NEWSWIRE_CORE_HUB_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "core/event_frame.h"
#include "core/store.h"

namespace newswire {

struct SubscriptionOptions {
  v1::SubscribeRequest::Start start = v1::SubscribeRequest::START_LATEST;
  // For START_AFTER_SEQUENCE: the last sequence the subscriber has seen.
  uint64_t after_sequence = 0;
  v1::ArticleView view = v1::ARTICLE_VIEW_HEADLINE;
  // Bound on the bytes queued for a live subscriber that does not keep up.
  size_t max_queue_bytes = 8 << 20;
  // Events read from the Store per catch-up step.
  size_t catch_up_batch = 256;
};

class Hub;

// One subscriber's position in the feed. Created by Hub::Subscribe; the
// transport pulls frames with Next and writes them out.
class Subscription {
 public:
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;
  ~Subscription();

  // Returns the next frames to send, in sequence order: stored events while
  // catching up, then one CAUGHT_UP frame, then live events. Live frames are
  // taken up to about `max_bytes` (always at least one).
  //
  // An empty result means nothing is ready now; `on_ready` will then be
  // called once, when something is. Returns UNAVAILABLE once the hub is
  // closed, or the Store's error if a catch-up read fails.
  // REQUIRES: not called concurrently with itself.
  absl::StatusOr<std::vector<SharedFrame>> Next(size_t max_bytes);

  // Sequence of the last event returned by Next (the subscriber's cursor).
  uint64_t cursor() const;

  // Times this subscription fell behind its queue bound and went back to
  // catching up from the Store.
  uint64_t fallbacks() const;

 private:
  friend class Hub;
  Subscription(Hub* hub, SubscriptionOptions options, uint64_t start_after,
               std::function<void()> on_ready);

  // Reads the next catch-up step from the Store; joins the live stream if
  // it reached the head.
  absl::StatusOr<std::vector<SharedFrame>> CatchUp(uint64_t after,
                                                   size_t max_bytes);

  // Takes queued live frames up to about `max_bytes`; arms when none.
  std::vector<SharedFrame> TakeQueued(size_t max_bytes)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  Hub* const hub_;
  const SubscriptionOptions options_;

  mutable absl::Mutex mu_;
  // Last sequence handed out by Next.
  uint64_t sent_ ABSL_GUARDED_BY(mu_);
  // Last sequence seen from the live stream (queued or filtered out).
  uint64_t seen_ ABSL_GUARDED_BY(mu_) = 0;
  bool live_ ABSL_GUARDED_BY(mu_) = false;
  // Next returned nothing; on_ready is owed when a frame arrives.
  bool armed_ ABSL_GUARDED_BY(mu_) = false;
  bool caught_up_sent_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status status_ ABSL_GUARDED_BY(mu_);
  std::deque<SharedFrame> queue_ ABSL_GUARDED_BY(mu_);
  size_t queued_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  // Times this subscription fell back from live to catch-up.
  uint64_t fallbacks_ ABSL_GUARDED_BY(mu_) = 0;
  // Called without locks, possibly from several threads at once.
  const std::function<void()> on_ready_;
};

class Hub {
 public:
  // REQUIRES: `store` outlives the hub and every subscription.
  explicit Hub(const Store* store);
  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;
  ~Hub();

  // Starts a subscription at `options.start`; it ends when the last
  // reference to it is dropped. `on_ready` is called, on a publishing
  // thread and without hub locks held, when Next has returned nothing and
  // has something again; it may call Next, and may run on several threads
  // at once (after Close). It may run after the caller dropped its
  // reference, so it should hold only weak references to its transport.
  // Returns OUT_OF_RANGE if after_sequence is past the newest event
  // (naming the head) or older than the oldest event retention kept (naming
  // that), UNIMPLEMENTED for START_SINCE, UNAVAILABLE once closed. A
  // subscription that falls behind retention while catching up ends with
  // that OUT_OF_RANGE too: never a silent gap. REQUIRES: every subscription is gone before the hub is.
  absl::StatusOr<std::shared_ptr<Subscription>> Subscribe(
      const SubscriptionOptions& options, std::function<void()> on_ready);

  // Delivers an appended event to live subscriptions, in sequence order:
  // an event that arrives ahead of an earlier one waits for it.
  // REQUIRES: `event` is in the Store; every appended event is published
  // once (concurrent publishers may finish their appends out of order).
  void Publish(const FeedEvent& event);

  // Ends every subscription: Next returns UNAVAILABLE from now on and each
  // on_ready is called. Later Subscribe calls fail with UNAVAILABLE.
  void Close();

  // Number of subscriptions alive.
  size_t subscription_count() const;

 private:
  friend class Subscription;

  // Joins `sub` to the live stream if `cursor` reached the published head.
  // Returns false if it has not; then the caller reads more from the Store.
  bool TryJoinLive(Subscription* sub, uint64_t cursor);
  // Queues `event` on every live subscription; collects those to ring.
  void Deliver(const FeedEvent& event,
               std::vector<std::shared_ptr<Subscription>>& to_ring)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Remove(Subscription* sub);

  const Store* const store_;
  mutable absl::Mutex mu_ ABSL_ACQUIRED_BEFORE(Subscription::mu_);
  // Sequence of the last event delivered; every one before it was too.
  uint64_t published_head_ ABSL_GUARDED_BY(mu_);
  // Events published ahead of an earlier one, by sequence.
  absl::flat_hash_map<uint64_t, FeedEvent> early_ ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  // Every subscription alive (weak, so the hub can ring one outside its
  // lock without keeping it alive otherwise), and the live subset of them.
  absl::flat_hash_map<Subscription*, std::weak_ptr<Subscription>> subscriptions_
      ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<Subscription*> live_ ABSL_GUARDED_BY(mu_);
};

}  // namespace newswire

#endif  // NEWSWIRE_CORE_HUB_H_
