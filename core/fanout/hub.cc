#include "core/fanout/hub.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace newswire {

// How often the heartbeat thread looks at subscriptions waiting for a
// replica to catch up.
constexpr absl::Duration kReplicaPoll = absl::Milliseconds(20);

std::string ClientOfPeer(absl::string_view peer) {
  const size_t colon = peer.rfind(':');
  return std::string(colon == absl::string_view::npos ? peer : peer.substr(0, colon));
}
namespace {

absl::Status CompactedError(uint64_t after, uint64_t oldest) {
  return absl::OutOfRangeError(absl::StrCat(
      "events after sequence ", after, " were compacted by retention; the oldest "
      "available sequence is ", oldest, " (resume from ", oldest - 1,
      " to accept the gap, or from earliest)"));
}

v1::ArticleView FrameView(v1::ArticleView view) {
  return view == v1::ARTICLE_VIEW_FULL ? v1::ARTICLE_VIEW_FULL : v1::ARTICLE_VIEW_HEADLINE;
}

}  // namespace

// An event on its way to live subscriptions, with what filters read of its
// article and, for an update or kill, of the earlier versions, each worked
// out only when a filtered subscription needs it.
class Hub::PreparedEvent {
 public:
  // Refers to `event`, which must outlive this unless Own is called.
  explicit PreparedEvent(const FeedEvent& event) : event_(&event) {}
  PreparedEvent(const PreparedEvent&) = delete;
  PreparedEvent& operator=(const PreparedEvent&) = delete;

  // Copies the event, to wait in early_ beyond the publisher's call.
  void Own() {
    owned_ = std::make_unique<FeedEvent>(*event_);
    event_ = owned_.get();
    facts_.reset();
  }

  const FeedEvent& event() const { return *event_; }
  const ArticleFacts& facts() const {
    if (facts_ == nullptr) facts_ = std::make_unique<ArticleFacts>(event_->article());
    return *facts_;
  }

  // Reads the earlier versions of an update or kill, once. After a failed
  // read they stay unknown: the event then reaches those its own version
  // matches.
  absl::Status LoadEarlier(const Store& store) {
    if (earlier_loaded_ || event_->kind() == v1::EVENT_KIND_PUBLISHED) return absl::OkStatus();
    earlier_loaded_ = true;
    absl::StatusOr<std::vector<Article>> earlier =
        store.EarlierVersions(event_->article().id(), event_->article().version());
    if (!earlier.ok()) return earlier.status();
    earlier_ = *std::move(earlier);
    earlier_facts_.reserve(earlier_.size());
    for (const Article& article : earlier_) earlier_facts_.emplace_back(article);
    return absl::OkStatus();
  }

  // Whether `filter` matches one of the earlier versions loaded so far.
  bool EarlierWantedBy(const FeedFilter& filter) const {
    return std::any_of(earlier_facts_.begin(), earlier_facts_.end(),
                       [&](const ArticleFacts& f) { return filter.Matches(f); });
  }

  // Whether `filter` wants the event: it matches the article, or one of the
  // earlier versions loaded so far.
  bool WantedBy(const FeedFilter& filter) const {
    return filter.Matches(facts()) || EarlierWantedBy(filter);
  }

  // Every version's facts, the event's own first.
  std::vector<const ArticleFacts*> AllFacts() const {
    std::vector<const ArticleFacts*> all = {&facts()};
    for (const ArticleFacts& f : earlier_facts_) all.push_back(&f);
    return all;
  }

 private:
  const FeedEvent* event_;
  std::unique_ptr<FeedEvent> owned_;
  mutable std::unique_ptr<ArticleFacts> facts_;
  bool earlier_loaded_ = false;
  std::vector<Article> earlier_;
  std::vector<ArticleFacts> earlier_facts_;
};

Subscription::Subscription(Hub* hub, SubscriptionOptions options,
                           std::optional<FeedFilter> filter, uint64_t start_after,
                           std::function<void()> on_ready)
    : hub_(hub),
      options_(std::move(options)),
      max_queue_bytes_(options_.max_queue_bytes != 0 ? options_.max_queue_bytes
                                                     : hub->options_.max_queue_bytes),
      filter_(std::move(filter)),
      keys_(filter_ ? filter_->IndexKeys() : std::vector<FeedFilter::Key>()),
      client_(options_.client),
      view_(FrameView(options_.view)),
      subscribed_at_(absl::Now()),
      sent_(start_after),
      last_sent_at_(absl::Now()),
      on_ready_(std::move(on_ready)) {}

uint64_t Subscription::fallbacks() const {
  absl::MutexLock lock(&mu_);
  return fallbacks_;
}

Subscription::~Subscription() { hub_->Remove(this); }

uint64_t Subscription::cursor() const {
  absl::MutexLock lock(&mu_);
  return sent_;
}

void Subscription::End(absl::Status status) {
  {
    absl::MutexLock hub_lock(&hub_->mu_);
    absl::MutexLock lock(&mu_);
    if (!status_.ok()) return;
    status_ = std::move(status);
    queue_.clear();
    queued_bytes_ = 0;
    hub_->LeaveLive(this);
  }
  on_ready_();
}

absl::StatusOr<std::vector<FrameRun>> Subscription::Next(size_t max_bytes) {
  uint64_t after;
  {
    absl::MutexLock lock(&mu_);
    if (!status_.ok()) return status_;
    if (awaiting_replica_ && !EndReplicaWait()) {
      armed_ = true;  // The heartbeat thread rings when the wait ends.
      return std::vector<FrameRun>();
    }
    if (!status_.ok()) return status_;
    if (live_) {
      std::vector<FrameRun> runs = TakeLive(max_bytes);
      if (live_) return runs;  // Else it fell behind: catch up below.
    }
    after = sent_;
  }
  return CatchUp(after, max_bytes);
}

std::vector<FrameRun> Subscription::TakeLive(size_t max_bytes) {
  std::vector<FrameRun> runs;
  if (filter_.has_value()) {
    TakeQueued(max_bytes, runs);
  } else {
    TakeFromLog(max_bytes, runs);
    if (!live_) return runs;
  }
  if (runs.empty() && heartbeat_owed_) {
    // Every event up to the delivered head was considered for this
    // subscription: taken (and nothing is left) or filtered out.
    AppendRun(*FrameHeartbeat(std::max(sent_, hub_->delivered_head_.load())), runs);
  }
  if (!runs.empty()) {
    heartbeat_owed_ = false;
    last_sent_at_ = absl::Now();
  }
  // Nothing to hand out: the hub rings when the next event comes.
  armed_ = runs.empty();
  return runs;
}

void Subscription::TakeQueued(size_t max_bytes, std::vector<FrameRun>& runs) {
  size_t bytes = 0;
  size_t charged = 0;
  while (!queue_.empty() && (runs.empty() || bytes < max_bytes)) {
    const Queued& queued = queue_.front();
    bytes += queued.frame->bytes.size();
    charged += queued.charge;
    sent_ = queued.frame->sequence;
    AppendRun(*queued.frame, runs);
    queue_.pop_front();
  }
  queued_bytes_ -= charged;
}

void Subscription::TakeFromLog(size_t max_bytes, std::vector<FrameRun>& runs) {
  absl::ReaderMutexLock log_lock(&hub_->log_mu_);
  const Hub::LiveLog& log = hub_->logs_[view_];
  const bool dropped = log_position_ < log.first;
  if (dropped || (log_position_ < log.end() &&
                  log.appended_bytes - log.entries[log_position_ - log.first].start >
                      max_queue_bytes_)) {
    // Too slow to keep up: catch up from the Store, after the last event
    // actually handed out.
    live_ = false;
    ++fallbacks_;
    hub_->fallbacks_total_.fetch_add(1, std::memory_order_relaxed);
    --hub_->log_readers_[view_];
    return;
  }
  size_t bytes = 0;
  while (log_position_ < log.end() && (runs.empty() || bytes < max_bytes)) {
    const EventFrame& frame = log.entries[log_position_ - log.first].frame;
    ++log_position_;
    if (frame.sequence <= sent_) continue;  // Read from the Store before joining.
    bytes += frame.bytes.size();
    sent_ = frame.sequence;
    AppendRun(frame, runs);
  }
  if (runs.empty() && !listed_.exchange(true)) {
    // Registered before the log lock is released: the next append finds it.
    absl::MutexLock armed_lock(&hub_->armed_mu_);
    hub_->armed_readers_.push_back(self_);
  }
}

bool Subscription::ReplicaCaughtUp() {
  const std::optional<LogProgress> progress = hub_->store_->Progress();
  if (!progress.has_value()) return true;
  if (!replica_target_.has_value() && progress->head_seen_at >= subscribed_at_) {
    replica_target_ = progress->head;
  }
  return replica_target_.has_value() && progress->applied >= *replica_target_;
}

bool Subscription::EndReplicaWait() {
  if (ReplicaCaughtUp()) {
    absl::StatusOr<uint64_t> start = hub_->StartAfter(options_);
    if (start.ok()) {
      sent_ = *start;
    } else {
      status_ = start.status();
    }
  } else if (absl::Now() >= replica_deadline_) {
    const LogProgress progress = hub_->store_->Progress().value_or(LogProgress{});
    status_ = absl::UnavailableError(absl::StrCat(
        "this replica has applied the log up to position ", progress.applied, " of ",
        progress.head, " and did not catch up within ",
        absl::FormatDuration(hub_->options_.replica_wait),
        "; try another replica, or again later"));
  } else {
    return false;
  }
  awaiting_replica_ = false;
  return true;
}

absl::StatusOr<bool> Subscription::WantsStored(const FeedEvent& event) const {
  if (!filter_.has_value()) return true;
  Hub::PreparedEvent prepared(event);
  // Earlier versions are read only when the article itself does not match.
  if (filter_->Matches(prepared.facts())) return true;
  if (absl::Status s = prepared.LoadEarlier(*hub_->store_); !s.ok()) return s;
  return prepared.EarlierWantedBy(*filter_);
}

absl::StatusOr<std::vector<FrameRun>> Subscription::CatchUp(uint64_t after,
                                                            size_t max_bytes) {
  const Store& store = *hub_->store_;
  bool first_catch_up;
  {
    absl::MutexLock lock(&mu_);
    first_catch_up = !caught_up_sent_;
  }
  // Only the current version of each article, unless every version was
  // asked for; after the first catch-up (a fallback) every event counts,
  // as it would have live.
  const bool current_only = first_catch_up && !options_.every_version;
  std::vector<FrameRun> frames;
  // One chunk per step, so the step's frames go out as one buffer.
  FrameWriter writer(64 << 10);
  uint64_t cursor = after;
  bool joined = false;
  while (frames.empty() && !joined) {
    absl::StatusOr<std::vector<FeedEvent>> events =
        store.ReadAfter(cursor, options_.catch_up_batch);
    if (!events.ok()) return events.status();
    // Retention may have compacted events this subscriber has not seen yet:
    // end the stream rather than skip them.
    if (events->empty() ? store.OldestSequence() > cursor + 1
                        : events->front().sequence() != cursor + 1) {
      absl::Status gone = CompactedError(cursor, store.OldestSequence());
      absl::MutexLock lock(&mu_);
      status_ = gone;
      return gone;
    }
    absl::flat_hash_map<std::string, uint32_t> current;
    if (current_only && !events->empty()) {
      std::vector<std::string> ids;
      ids.reserve(events->size());
      for (const FeedEvent& event : *events) ids.push_back(event.article().id());
      absl::StatusOr<absl::flat_hash_map<std::string, uint32_t>> read =
          store.CurrentVersions(ids);
      if (!read.ok()) return read.status();
      current = *std::move(read);
    }
    for (const FeedEvent& event : *events) {
      cursor = event.sequence();
      if (current_only) {
        auto it = current.find(event.article().id());
        if (it != current.end() && it->second > event.article().version()) continue;
      }
      absl::StatusOr<bool> wanted = WantsStored(event);
      if (!wanted.ok()) return wanted.status();
      if (*wanted) AppendRun(*writer.FrameInView(event, options_.view), frames);
    }
    const bool reached_head = events->size() < options_.catch_up_batch;
    joined = reached_head && hub_->TryJoinLive(this, cursor);
    // Everything read was filtered out or superseded (or, at the head, an
    // event was published meanwhile): record the progress and read on.
    if (!joined && frames.empty()) {
      absl::MutexLock lock(&mu_);
      sent_ = cursor;
    }
  }

  absl::MutexLock lock(&mu_);
  if (!status_.ok()) return status_;  // Ended while reading (End, Hub::Close).
  sent_ = std::max(sent_, cursor);
  if (joined && !caught_up_sent_) {
    caught_up_sent_ = true;
    AppendRun(*FrameCaughtUp(cursor), frames);
  }
  if (!frames.empty()) {
    heartbeat_owed_ = false;
    last_sent_at_ = absl::Now();
  }
  // Events may have been queued since joining; with nothing else to send,
  // hand those out (or arm) as a live subscription does.
  if (live_ && frames.empty()) return TakeLive(max_bytes);
  return frames;
}

Hub::Hub(const Store* store, HubOptions options)
    : store_(store),
      options_(options),
      published_head_(store->HeadSequence()),
      delivered_head_(store->HeadSequence()),
      ring_thread_([this] { RingLoop(); }),
      heartbeat_thread_([this] { HeartbeatLoop(); }) {}

Hub::~Hub() {
  Close();
  heartbeat_thread_.join();
  ring_thread_.join();
}

void Hub::Ring(std::vector<std::shared_ptr<Subscription>> subs) {
  if (subs.empty()) return;
  absl::ReleasableMutexLock lock(&ring_mu_);
  if (ring_stop_) {  // The ring thread is gone: ring here.
    lock.Release();
    for (const auto& sub : subs) sub->on_ready_();
    return;
  }
  if (ring_queue_.empty()) {
    ring_queue_ = std::move(subs);
  } else {
    ring_queue_.insert(ring_queue_.end(), std::make_move_iterator(subs.begin()),
                       std::make_move_iterator(subs.end()));
  }
}

void Hub::RingLoop() {
  std::vector<std::shared_ptr<Subscription>> ringing;
  while (true) {
    ringing.clear();  // Last references may go here, outside ring_mu_.
    {
      absl::MutexLock lock(&ring_mu_);
      auto work = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(ring_mu_) {
        return ring_stop_ || !ring_queue_.empty();
      };
      ring_mu_.Await(absl::Condition(&work));
      if (ring_queue_.empty()) return;  // Stopped, and nothing left to ring.
      ringing.swap(ring_queue_);
    }
    for (const auto& sub : ringing) sub->on_ready_();
  }
}

absl::StatusOr<uint64_t> Hub::StartAfter(const SubscriptionOptions& options) const {
  const uint64_t head = store_->HeadSequence();
  const uint64_t oldest = store_->OldestSequence();
  switch (options.start) {
    case v1::SubscribeRequest::START_UNSPECIFIED:
    case v1::SubscribeRequest::START_LATEST:
      return head;
    case v1::SubscribeRequest::START_EARLIEST:
      return oldest - 1;
    case v1::SubscribeRequest::START_AFTER_SEQUENCE:
      if (options.after_sequence > head) {
        return absl::OutOfRangeError(absl::StrCat("after_sequence ", options.after_sequence,
                                                  " is past the newest event, sequence ", head));
      }
      if (options.after_sequence + 1 < oldest) {
        return CompactedError(options.after_sequence, oldest);
      }
      return options.after_sequence;
    case v1::SubscribeRequest::START_SINCE: {
      if (options.since == absl::InfinitePast()) {
        return absl::InvalidArgumentError("since: required with start SINCE");
      }
      absl::StatusOr<uint64_t> first = store_->FirstSequenceSince(options.since);
      if (!first.ok()) return first.status();
      if (*first <= oldest && oldest > 1) {
        // Events before the oldest kept are gone; some may have been
        // published at or after `since`, unless the oldest kept is later.
        absl::StatusOr<std::vector<FeedEvent>> oldest_event = store_->ReadAfter(oldest - 1, 1);
        if (!oldest_event.ok()) return oldest_event.status();
        const bool may_be_gone =
            oldest_event->empty() ||
            FromProtoTime(oldest_event->front().published_at()) >= options.since;
        if (may_be_gone) {
          return absl::OutOfRangeError(absl::StrCat(
              "events since ", absl::FormatTime(options.since),
              " may have been compacted by retention; the oldest available sequence is ",
              oldest, " (start from earliest to accept the gap)"));
        }
      }
      return *first - 1;
    }
    default:
      return absl::InvalidArgumentError(absl::StrCat("start: unknown value ", options.start));
  }
}

absl::StatusOr<std::shared_ptr<Subscription>> Hub::Subscribe(
    const SubscriptionOptions& options, std::function<void()> on_ready) {
  if (options.heartbeat != absl::ZeroDuration() &&
      (options.heartbeat < kMinHeartbeat || options.heartbeat > kMaxHeartbeat)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "heartbeat_interval: ", absl::FormatDuration(options.heartbeat), " is outside ",
        absl::FormatDuration(kMinHeartbeat), " to ", absl::FormatDuration(kMaxHeartbeat)));
  }
  std::optional<FeedFilter> filter;
  {
    absl::StatusOr<FeedFilter> compiled = FeedFilter::Compile(options.filter);
    if (!compiled.ok()) return compiled.status();
    if (!compiled->MatchesEverything()) filter = *std::move(compiled);
  }
  // A replica behind the log, or not yet holding the cursor asked for,
  // starts once it caught up (Subscription::EndReplicaWait).
  const std::optional<LogProgress> progress = store_->Progress();
  const bool replica_behind = progress.has_value() && progress->applied < progress->head;
  const bool await_replica =
      replica_behind || (progress.has_value() &&
                         options.start == v1::SubscribeRequest::START_AFTER_SEQUENCE &&
                         options.after_sequence > store_->HeadSequence());
  uint64_t start_after = 0;
  if (!await_replica) {
    absl::StatusOr<uint64_t> start = StartAfter(options);
    if (!start.ok()) return start.status();
    start_after = *start;
  }
  // Not make_shared: the constructor is private.
  std::shared_ptr<Subscription> sub(new Subscription(this, options, std::move(filter),
                                                     start_after, std::move(on_ready)));
  if (await_replica) {
    absl::MutexLock lock(&sub->mu_);
    sub->awaiting_replica_ = true;
    // Behind: the head it knows is the one to reach. Else the cursor may
    // be in flight to it: the next head it sees tells.
    if (replica_behind) sub->replica_target_ = progress->head;
    sub->replica_deadline_ = sub->subscribed_at_ + options_.replica_wait;
  }
  {
    absl::MutexLock lock(&mu_);
    if (closed_) return absl::UnavailableError("the server is shutting down");
    if (subscriptions_.size() >= options_.max_subscriptions) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "the server has its maximum of ", options_.max_subscriptions, " subscriptions"));
    }
    size_t& mine = per_client_[options.client];
    if (mine >= options_.max_subscriptions_per_client) {
      return absl::ResourceExhaustedError(
          absl::StrCat("client ", options.client, " has its maximum of ",
                       options_.max_subscriptions_per_client, " subscriptions"));
    }
    ++mine;
    subscriptions_.emplace(sub.get(), sub);
    sub->self_ = sub;
  }
  if (options.heartbeat != absl::ZeroDuration() || await_replica) {
    absl::MutexLock lock(&heartbeat_mu_);
    if (options.heartbeat != absl::ZeroDuration()) {
      heartbeats_.emplace(absl::Now() + options.heartbeat, sub);
    }
    if (await_replica) replica_waits_.push_back(sub);
  }
  return sub;
}

bool Hub::TryJoinLive(Subscription* sub, uint64_t cursor) {
  absl::MutexLock lock(&mu_);
  // Events up to the published head were (or are being) given to live
  // subscriptions before this one joined: it must have read them all from
  // the Store. Anything past `cursor` it will now get live; anything it read
  // past the published head, Publish skips because of `seen_`.
  if (cursor < published_head_ || !subscriptions_.contains(sub)) return false;
  absl::MutexLock sub_lock(&sub->mu_);
  if (!sub->status_.ok()) return true;  // Ended: it stops reading, and stays out.
  sub->live_ = true;
  sub->seen_ = cursor;
  if (sub->filter_.has_value()) {
    live_.Add(sub, sub->keys_);
    filtered_live_.store(true);
  } else {
    // Every event from here on is appended to the log (under mu_).
    absl::ReaderMutexLock log_lock(&log_mu_);
    sub->log_position_ = logs_[sub->view_].end();
    ++log_readers_[sub->view_];
  }
  return true;
}

void Hub::LeaveLive(Subscription* sub) {
  if (!sub->live_) return;
  sub->live_ = false;
  if (sub->filter_.has_value()) {
    live_.Remove(sub, sub->keys_);
    filtered_live_.store(live_.HasFiltered());
  } else {
    --log_readers_[sub->view_];
  }
}

void Hub::Publish(const FeedEvent& event) {
  auto prepared = std::make_unique<PreparedEvent>(event);  // No copy unless it waits.
  // Outside the lock: an update or kill reaches subscriptions whose filter
  // matched an earlier version, which only the Store still holds.
  if (filtered_live_.load()) (void)prepared->LoadEarlier(*store_);
  std::vector<std::shared_ptr<Subscription>> to_ring;
  {
    absl::MutexLock lock(&mu_);
    if (event.sequence() <= published_head_) return;  // Already delivered.
    if (event.sequence() != published_head_ + 1) {
      prepared->Own();
      early_.emplace(event.sequence(), std::move(prepared));
      return;
    }
    Deliver(*prepared, to_ring);
    for (auto it = early_.find(published_head_ + 1); it != early_.end();
         it = early_.find(published_head_ + 1)) {
      Deliver(*it->second, to_ring);
      early_.erase(it);
    }
  }
  Ring(std::move(to_ring));
}

void Hub::Deliver(PreparedEvent& prepared, std::vector<std::shared_ptr<Subscription>>& to_ring) {
  const FeedEvent& event = prepared.event();
  if (live_.HasFiltered()) (void)prepared.LoadEarlier(*store_);  // Rarely not yet.
  // Framed lazily, at most once per view, and shared by every subscription.
  SharedFrame frames[3];
  bool appended = false;
  for (v1::ArticleView view : {v1::ARTICLE_VIEW_HEADLINE, v1::ARTICLE_VIEW_FULL}) {
    if (log_readers_[view].load() == 0) continue;
    frames[view] = live_frames_[view].FrameInView(event, view);
    absl::MutexLock log_lock(&log_mu_);
    LiveLog& log = logs_[view];
    log.entries.push_back(LiveLog::Entry{*frames[view], log.appended_bytes});
    log.appended_bytes += frames[view]->bytes.size();
    // The newest event stays even when it alone is over the bound (a large
    // article): readers at it take it, readers before it catch up.
    while (log.entries.size() > 1 &&
           log.appended_bytes - log.entries.front().start > options_.max_queue_bytes) {
      log.entries.pop_front();
      ++log.first;
    }
    appended = true;
  }
  if (appended) {
    std::vector<std::weak_ptr<Subscription>> armed;
    {
      absl::MutexLock armed_lock(&armed_mu_);
      armed.swap(armed_readers_);
    }
    for (const auto& weak : armed) {
      if (auto owner = weak.lock()) {
        owner->listed_.store(false);  // Its next empty read lists it again.
        to_ring.push_back(std::move(owner));
      }
    }
  }
  std::vector<Subscription*> fell_back;
  // Only filtered subscriptions are indexed; the rest read the log.
  live_.ForEachCandidate([&prepared] { return prepared.AllFacts(); }, [&](Subscription* sub) {
    if (!prepared.WantedBy(*sub->filter_)) return;
    absl::MutexLock sub_lock(&sub->mu_);
    if (event.sequence() <= sub->seen_) return;  // Read during catch-up.
    sub->seen_ = event.sequence();
    const v1::ArticleView view = FrameView(sub->options_.view);
    SharedFrame& frame = frames[view];
    if (!frame) frame = live_frames_[view].FrameInView(event, view);
    const bool new_chunk =
        sub->queue_.empty() || sub->queue_.back().frame->chunk != frame->chunk;
    const size_t charge = frame->bytes.size() + (new_chunk ? frame->chunk->capacity() : 0);
    sub->queued_bytes_ += charge;
    sub->queue_.push_back(Subscription::Queued{frame, charge});
    if (sub->queued_bytes_ > sub->max_queue_bytes_) {
      // Too slow to keep up: drop the queue and catch up from the Store,
      // starting after the last event actually handed out.
      sub->queue_.clear();
      sub->queued_bytes_ = 0;
      ++sub->fallbacks_;
      fallbacks_total_.fetch_add(1, std::memory_order_relaxed);
      fell_back.push_back(sub);
    }
    if (sub->armed_) {
      sub->armed_ = false;
      if (auto owner = subscriptions_.at(sub).lock()) to_ring.push_back(std::move(owner));
    }
  });
  for (Subscription* sub : fell_back) {
    absl::MutexLock sub_lock(&sub->mu_);
    LeaveLive(sub);
  }
  published_head_ = event.sequence();
  delivered_head_.store(published_head_);
}

void Hub::EndReplicaWaits(std::vector<std::shared_ptr<Subscription>>& to_ring) {
  const absl::Time now = absl::Now();
  std::vector<std::weak_ptr<Subscription>> waiting;
  for (std::weak_ptr<Subscription>& weak : replica_waits_) {
    std::shared_ptr<Subscription> sub = weak.lock();
    if (sub == nullptr) continue;
    absl::MutexLock sub_lock(&sub->mu_);
    if (!sub->awaiting_replica_ || !sub->status_.ok()) continue;  // Next saw it end.
    if (!sub->ReplicaCaughtUp() && now < sub->replica_deadline_) {
      waiting.push_back(std::move(weak));
    } else if (sub->armed_) {  // Else Next has yet to come, and will see.
      sub->armed_ = false;
      to_ring.push_back(sub);
    }
  }
  replica_waits_.swap(waiting);
}

void Hub::HeartbeatLoop() {
  absl::MutexLock lock(&heartbeat_mu_);
  while (true) {
    absl::Time next = heartbeats_.empty() ? absl::InfiniteFuture() : heartbeats_.begin()->first;
    const bool polling = !replica_waits_.empty();
    if (polling) next = std::min(next, absl::Now() + kReplicaPoll);
    auto woken = [this, next, polling]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(heartbeat_mu_) {
      return heartbeat_stop_ || (!heartbeats_.empty() && heartbeats_.begin()->first < next) ||
             (!polling && !replica_waits_.empty());
    };
    heartbeat_mu_.AwaitWithDeadline(absl::Condition(&woken), next);
    if (heartbeat_stop_) return;
    const absl::Time now = absl::Now();
    std::vector<std::shared_ptr<Subscription>> to_ring;
    EndReplicaWaits(to_ring);
    while (!heartbeats_.empty() && heartbeats_.begin()->first <= now) {
      std::shared_ptr<Subscription> sub = heartbeats_.begin()->second.lock();
      heartbeats_.erase(heartbeats_.begin());
      if (sub == nullptr) continue;  // Ended.
      absl::Time due;
      {
        absl::MutexLock sub_lock(&sub->mu_);
        due = sub->last_sent_at_ + sub->options_.heartbeat;
        if (due <= now) {
          sub->heartbeat_owed_ = true;
          due = now + sub->options_.heartbeat;
          if (sub->armed_) {
            sub->armed_ = false;
            to_ring.push_back(sub);
          }
        }
      }
      heartbeats_.emplace(due, sub);
    }
    if (to_ring.empty()) continue;
    heartbeat_mu_.Unlock();
    for (const auto& sub : to_ring) sub->on_ready_();
    to_ring.clear();  // The last reference may go here, outside the lock.
    heartbeat_mu_.Lock();
  }
}

void Hub::Close() {
  std::vector<std::shared_ptr<Subscription>> to_ring;
  {
    absl::MutexLock lock(&mu_);
    if (closed_) return;
    closed_ = true;
    for (auto& [sub, weak] : subscriptions_) {
      absl::MutexLock sub_lock(&sub->mu_);
      sub->status_ = absl::UnavailableError("the server is shutting down");
      sub->queue_.clear();
      sub->queued_bytes_ = 0;
      LeaveLive(sub);
      if (auto owner = weak.lock()) to_ring.push_back(std::move(owner));
    }
  }
  {
    absl::MutexLock lock(&heartbeat_mu_);
    heartbeat_stop_ = true;
    heartbeats_.clear();
    replica_waits_.clear();
  }
  {
    absl::MutexLock lock(&ring_mu_);
    ring_stop_ = true;  // The ring thread rings what is queued, then ends.
  }
  // Here, so that every subscription has heard of the end when Close returns.
  for (const auto& sub : to_ring) sub->on_ready_();
}

void Hub::Remove(Subscription* sub) {
  absl::MutexLock lock(&mu_);
  if (subscriptions_.erase(sub) == 0) return;
  auto client = per_client_.find(sub->client_);
  if (client != per_client_.end() && --client->second == 0) per_client_.erase(client);
  absl::MutexLock sub_lock(&sub->mu_);
  LeaveLive(sub);
}

size_t Hub::subscription_count() const {
  absl::MutexLock lock(&mu_);
  return subscriptions_.size();
}

}  // namespace newswire
