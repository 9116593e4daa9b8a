// The Hub fans appended events out to subscriptions.
//
// A subscription first catches up from the Store, then joins the live
// stream; the hand-off is exact, so a subscriber sees sequences strictly
// increasing with no gap and no duplicate, even while publishes race with
// it. Filters are evaluated here, on the server: live subscriptions are
// indexed by their filters' keys, so an event costs work for the
// subscriptions it may interest, not for all of them. Each live event is
// framed once per view and the same bytes are shared by every subscription.
// A subscription whose queue outgrows its bound drops the queue and falls
// back to catch-up from the Store: it never loses an event, never blocks a
// publisher and never grows memory without bound.
#ifndef NEWSWIRE_CORE_FANOUT_HUB_H_
#define NEWSWIRE_CORE_FANOUT_HUB_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "core/fanout/event_frame.h"
#include "core/search/feed_filter.h"
#include "core/store/store.h"
#include "core/fanout/subscription_index.h"

namespace newswire {

// Bounds on the heartbeat interval a subscriber may ask for.
inline constexpr absl::Duration kMinHeartbeat = absl::Seconds(1);
inline constexpr absl::Duration kMaxHeartbeat = absl::Minutes(5);

struct SubscriptionOptions {
  v1::SubscribeRequest::Start start = v1::SubscribeRequest::START_LATEST;
  // For START_AFTER_SEQUENCE: the last sequence the subscriber has seen.
  uint64_t after_sequence = 0;
  // For START_SINCE: events published at or after this time.
  absl::Time since = absl::InfinitePast();
  // Which events; empty matches every event.
  v1::Filter filter = {};
  v1::ArticleView view = v1::ARTICLE_VIEW_HEADLINE;
  // During the first catch-up, every stored version of each article
  // instead of only its current one.
  bool every_version = false;
  // HEARTBEAT events at this interval while nothing else is sent; zero for
  // none, else within [kMinHeartbeat, kMaxHeartbeat].
  absl::Duration heartbeat = absl::ZeroDuration();
  // Who subscribes (e.g. the peer's address), for the per-client limit.
  std::string client = {};
  // Bound on the bytes queued for a live subscriber that does not keep up;
  // 0 takes HubOptions::max_queue_bytes.
  size_t max_queue_bytes = 0;
  // Events read from the Store per catch-up step.
  size_t catch_up_batch = 256;
};

// The client a peer address ("ipv4:10.0.0.7:53412", "127.0.0.1:53412")
// stands for: its host, so a per-client limit holds however many
// connections it opens.
std::string ClientOfPeer(absl::string_view peer);

struct HubOptions {
  // Subscriptions at once, in all and per SubscriptionOptions::client;
  // more are refused with RESOURCE_EXHAUSTED.
  size_t max_subscriptions = 50000;
  size_t max_subscriptions_per_client = 20000;
  // Bound on the bytes queued for each live subscriber that does not keep
  // up (see SubscriptionOptions::max_queue_bytes).
  size_t max_queue_bytes = 8 << 20;
  // On a replica of a shared log (Store::Progress) that is behind it, or
  // asked for a cursor past its head: how long a new subscription waits
  // for the replica to apply the log up to the head it sees, before
  // ending with UNAVAILABLE (so its client can try another replica).
  absl::Duration replica_wait = absl::Seconds(5);
};

class Hub;

// One subscriber's position in the feed. Created by Hub::Subscribe; the
// transport pulls frames with Next and writes them out.
class Subscription {
 public:
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;
  ~Subscription();

  // Returns the next frames to send, in sequence order, as runs of frames
  // side by side in memory: stored events while
  // catching up, then one CAUGHT_UP frame, then live events, with a
  // HEARTBEAT whenever the interval passes with nothing else sent. Only
  // events the filter wants are returned. Live frames are taken up to
  // about `max_bytes` (always at least one).
  //
  // An empty result means nothing is ready now; `on_ready` will then be
  // called once, when something is. Returns UNAVAILABLE once the hub is
  // closed or when a replica did not catch up within replica_wait,
  // OUT_OF_RANGE if retention compacted events not yet sent, or the
  // Store's error if a catch-up read fails.
  // REQUIRES: not called concurrently with itself.
  absl::StatusOr<std::vector<FrameRun>> Next(size_t max_bytes);

  // Sequence of the last event considered for the subscriber: every event
  // up to it was sent or filtered out (its cursor).
  uint64_t cursor() const;

  // Ends the subscription with `status` (not OK; e.g. UNAUTHENTICATED when
  // its key is revoked): Next returns it from now on and on_ready is
  // called. No effect once the subscription has ended. Thread-safe.
  void End(absl::Status status);

  // Times this subscription fell behind its queue bound and went back to
  // catching up from the Store.
  uint64_t fallbacks() const;

 private:
  friend class Hub;
  Subscription(Hub* hub, SubscriptionOptions options, std::optional<FeedFilter> filter,
               uint64_t start_after, std::function<void()> on_ready);

  // While it waits for a replica to catch up (see Hub::Subscribe): whether
  // the replica applied the log up to the head it saw after this
  // subscription began.
  bool ReplicaCaughtUp() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Ends the wait for the replica: starts at options_.start, or ends the
  // subscription (UNAVAILABLE past the wait, or the start's error).
  // Returns false while it still waits.
  bool EndReplicaWait() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // Reads catch-up steps from the Store until one yields frames or the
  // subscription joins the live stream.
  absl::StatusOr<std::vector<FrameRun>> CatchUp(uint64_t after, size_t max_bytes);

  // Whether the filter wants `event`: it matches the article, or (for an
  // update or kill) any earlier version of it, read from the Store.
  absl::StatusOr<bool> WantsStored(const FeedEvent& event) const;

  // Takes live frames up to about `max_bytes` (from the queue, or the live
  // log without a filter), or a heartbeat when one is owed; arms when there
  // is nothing. Without a filter, a subscription that fell out of the live
  // log (or further behind than its bound) leaves the live stream instead.
  std::vector<FrameRun> TakeLive(size_t max_bytes) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void TakeQueued(size_t max_bytes, std::vector<FrameRun>& runs)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void TakeFromLog(size_t max_bytes, std::vector<FrameRun>& runs)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  Hub* const hub_;
  const SubscriptionOptions options_;
  // The bound on queued bytes, resolved.
  const size_t max_queue_bytes_;
  // nullopt: every event.
  const std::optional<FeedFilter> filter_;
  // Where the live index holds it (empty: among those wanting everything).
  const std::vector<FeedFilter::Key> keys_;
  // The per-client count this subscription holds a place in.
  const std::string client_;
  // The view its frames are in (HEADLINE or FULL).
  const v1::ArticleView view_;
  // Itself, for the hub's list of armed log readers. Set by Hub::Subscribe.
  std::weak_ptr<Subscription> self_;

  mutable absl::Mutex mu_;
  // Waiting for a replica to catch up before starting (sent_ is not set
  // yet): until it applied the log up to `replica_target_` (nullopt: the
  // first head it sees after `subscribed_at_`), at the latest until
  // `replica_deadline_`.
  bool awaiting_replica_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<uint64_t> replica_target_ ABSL_GUARDED_BY(mu_);
  const absl::Time subscribed_at_;
  absl::Time replica_deadline_ ABSL_GUARDED_BY(mu_);
  // Last sequence considered (sent or filtered out) by Next.
  uint64_t sent_ ABSL_GUARDED_BY(mu_);
  // Last sequence seen from the live stream (queued or filtered out).
  uint64_t seen_ ABSL_GUARDED_BY(mu_) = 0;
  // Without a filter, live: the position of the next frame in the live log.
  uint64_t log_position_ ABSL_GUARDED_BY(mu_) = 0;
  // In the hub's list of armed log readers: listed once however often it
  // finds nothing (an idle stream with heartbeats would grow the list).
  std::atomic<bool> listed_{false};
  bool live_ ABSL_GUARDED_BY(mu_) = false;
  // Next returned nothing; on_ready is owed when a frame arrives.
  bool armed_ ABSL_GUARDED_BY(mu_) = false;
  bool caught_up_sent_ ABSL_GUARDED_BY(mu_) = false;
  // When Next last returned frames, and whether a heartbeat is due.
  absl::Time last_sent_at_ ABSL_GUARDED_BY(mu_);
  bool heartbeat_owed_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status status_ ABSL_GUARDED_BY(mu_);
  // A queued frame and what it counts against the queue bound: its bytes,
  // plus its whole chunk when the frame before it was in another chunk (a
  // subscription whose filter picks one event here and there can pin a
  // chunk per frame).
  struct Queued {
    SharedFrame frame;
    size_t charge;
  };
  std::deque<Queued> queue_ ABSL_GUARDED_BY(mu_);
  size_t queued_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  // Times this subscription fell back from live to catch-up.
  uint64_t fallbacks_ ABSL_GUARDED_BY(mu_) = 0;
  // Called without locks, possibly from several threads at once.
  const std::function<void()> on_ready_;
};

class Hub {
 public:
  // REQUIRES: `store` outlives the hub and every subscription.
  explicit Hub(const Store* store, HubOptions options = {});
  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;
  // Closes the hub (see Close) if it is not.
  ~Hub();

  // Starts a subscription at `options.start`; it ends when the last
  // reference to it is dropped. `on_ready` is called, on the hub's ring
  // thread (or the heartbeat thread, or Close's caller) and without hub
  // locks held, when Next has returned nothing and has something again
  // (sometimes when it has not: Next then returns nothing again); it may
  // call Next, and may run on several threads at once. It may run after
  // the caller dropped its reference, so it should hold only weak
  // references to its transport.
  //
  // Returns INVALID_ARGUMENT naming a bad filter, heartbeat or start;
  // OUT_OF_RANGE if after_sequence is past the newest event (naming the
  // head) or older than the oldest event retention kept (naming that), or
  // if retention may have compacted events published since `since`;
  // RESOURCE_EXHAUSTED over a subscription limit; UNAVAILABLE once closed.
  // A subscription that falls behind retention while catching up ends with
  // OUT_OF_RANGE too: never a silent gap.
  //
  // On a replica (Store::Progress) that is behind the log, or asked for a
  // cursor past its head, the start waits until the replica applied the
  // log up to the head it sees after this call (at most
  // HubOptions::replica_wait; then Next returns UNAVAILABLE): a cursor
  // another replica gave resumes with no gap, the start's errors (such as
  // OUT_OF_RANGE past the head) come from Next and are the same on every
  // replica, and CAUGHT_UP means caught up with the log as it was when the
  // subscriber came.
  // REQUIRES: every subscription is gone before the hub is.
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
  // Times any subscription fell behind its queue bound and went back to
  // catching up from the Store (slow consumers), since the hub started.
  uint64_t fallback_count() const { return fallbacks_total_.load(std::memory_order_relaxed); }

 private:
  friend class Subscription;
  class PreparedEvent;

  // The sequence a subscription at `options.start` begins after.
  absl::StatusOr<uint64_t> StartAfter(const SubscriptionOptions& options) const;
  // Joins `sub` to the live stream if `cursor` reached the published head.
  // Returns false if it has not; then the caller reads more from the Store.
  bool TryJoinLive(Subscription* sub, uint64_t cursor);
  // Appends `event` to the live logs and queues it on every live filtered
  // subscription that wants it; collects those to ring.
  void Deliver(PreparedEvent& event, std::vector<std::shared_ptr<Subscription>>& to_ring)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Remove(Subscription* sub);
  // Takes `sub` out of the live stream (index or log).
  void LeaveLive(Subscription* sub) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_, sub->mu_);
  // Sends heartbeats as they fall due, and rings subscriptions whose
  // replica wait ended, until Close.
  void HeartbeatLoop();
  // Takes the subscriptions whose replica wait ended out of
  // replica_waits_, and adds those owed an on_ready to `to_ring`.
  void EndReplicaWaits(std::vector<std::shared_ptr<Subscription>>& to_ring)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(heartbeat_mu_);
  // Hands `subs` to the ring thread.
  void Ring(std::vector<std::shared_ptr<Subscription>> subs);
  // Calls on_ready of the subscriptions handed to it, until Close.
  void RingLoop();

  const Store* const store_;
  const HubOptions options_;
  mutable absl::Mutex mu_ ABSL_ACQUIRED_BEFORE(Subscription::mu_);
  // Sequence of the last event delivered; every one before it was too.
  uint64_t published_head_ ABSL_GUARDED_BY(mu_);
  // The same, readable without mu_ (for heartbeats).
  std::atomic<uint64_t> delivered_head_;
  // Frames live events, per view, into shared chunks.
  FrameWriter live_frames_[3] ABSL_GUARDED_BY(mu_);

  // Every live event of one view, framed, in order. Subscriptions without a
  // filter read it at their own position, so an event costs them nothing
  // each (no queue entry per subscription); it keeps about
  // HubOptions::max_queue_bytes, and a reader that falls out of it catches
  // up from the Store.
  struct LiveLog {
    struct Entry {
      // Held here rather than behind a pointer: readers walk entries one
      // after another, and the chunk keeps the bytes alive.
      EventFrame frame;
      uint64_t start;  // Bytes appended before it.
    };
    std::deque<Entry> entries;
    uint64_t first = 0;  // Position of entries.front().
    uint64_t appended_bytes = 0;
    uint64_t end() const { return first + entries.size(); }
  };
  mutable absl::Mutex log_mu_ ABSL_ACQUIRED_AFTER(Subscription::mu_);
  LiveLog logs_[3] ABSL_GUARDED_BY(log_mu_);
  // Live subscriptions reading each view's log: none, and it is not kept.
  std::atomic<int> log_readers_[3] = {0, 0, 0};
  // Log readers that found nothing to read: rung at the next event.
  absl::Mutex armed_mu_ ABSL_ACQUIRED_AFTER(log_mu_);
  std::vector<std::weak_ptr<Subscription>> armed_readers_ ABSL_GUARDED_BY(armed_mu_);
  // Events published ahead of an earlier one, by sequence.
  absl::flat_hash_map<uint64_t, std::unique_ptr<PreparedEvent>> early_ ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  // Every subscription alive (weak, so the hub can ring one outside its
  // lock without keeping it alive otherwise), and the live ones, indexed.
  absl::flat_hash_map<Subscription*, std::weak_ptr<Subscription>> subscriptions_
      ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, size_t> per_client_ ABSL_GUARDED_BY(mu_);
  SubscriptionIndex live_ ABSL_GUARDED_BY(mu_);
  // Whether a live subscription has a filter: publishers then read earlier
  // versions of updated and killed articles before taking mu_.
  std::atomic<bool> filtered_live_{false};
  std::atomic<uint64_t> fallbacks_total_{0};

  // Subscriptions owed an on_ready call, rung by the ring thread rather
  // than the publisher: a publisher only queues, and while the ring
  // thread works through the subscriptions, events published meanwhile
  // queue up behind their write and go out together (adaptive batching).
  absl::Mutex ring_mu_ ABSL_ACQUIRED_AFTER(mu_);
  std::vector<std::shared_ptr<Subscription>> ring_queue_ ABSL_GUARDED_BY(ring_mu_);
  bool ring_stop_ ABSL_GUARDED_BY(ring_mu_) = false;
  std::thread ring_thread_;

  // Heartbeats: subscriptions by when to look at them next.
  absl::Mutex heartbeat_mu_ ABSL_ACQUIRED_BEFORE(Subscription::mu_);
  std::multimap<absl::Time, std::weak_ptr<Subscription>> heartbeats_
      ABSL_GUARDED_BY(heartbeat_mu_);
  bool heartbeat_stop_ ABSL_GUARDED_BY(heartbeat_mu_) = false;
  // Subscriptions waiting for a replica to catch up, looked at every
  // kReplicaPoll by the heartbeat thread.
  std::vector<std::weak_ptr<Subscription>> replica_waits_ ABSL_GUARDED_BY(heartbeat_mu_);
  std::thread heartbeat_thread_;
};

}  // namespace newswire

#endif  // NEWSWIRE_CORE_FANOUT_HUB_H_
