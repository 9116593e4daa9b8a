#include "core/hub.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace newswire {
namespace {

absl::Status CompactedError(uint64_t after, uint64_t oldest) {
  return absl::OutOfRangeError(absl::StrCat(
      "events after sequence ", after, " were compacted by retention; the oldest "
      "available sequence is ", oldest, " (resume from ", oldest - 1,
      " to accept the gap, or from earliest)"));
}

}  // namespace

Subscription::Subscription(Hub* hub, SubscriptionOptions options,
                           uint64_t start_after,
                           std::function<void()> on_ready)
    : hub_(hub),
      options_(std::move(options)),
      sent_(start_after),
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

absl::StatusOr<std::vector<SharedFrame>> Subscription::Next(size_t max_bytes) {
  uint64_t after;
  {
    absl::MutexLock lock(&mu_);
    if (!status_.ok()) return status_;
    if (live_) return TakeQueued(max_bytes);
    after = sent_;
  }
  return CatchUp(after, max_bytes);
}

std::vector<SharedFrame> Subscription::TakeQueued(size_t max_bytes) {
  std::vector<SharedFrame> frames;
  size_t bytes = 0;
  while (!queue_.empty() && (frames.empty() || bytes < max_bytes)) {
    SharedFrame frame = std::move(queue_.front());
    queue_.pop_front();
    bytes += frame->bytes.size();
    sent_ = frame->sequence;
    frames.push_back(std::move(frame));
  }
  queued_bytes_ -= bytes;
  // Nothing to hand out: the hub rings when the next event comes.
  armed_ = frames.empty();
  return frames;
}

absl::StatusOr<std::vector<SharedFrame>> Subscription::CatchUp(
    uint64_t after, size_t max_bytes) {
  const Store& store = *hub_->store_;
  absl::StatusOr<std::vector<FeedEvent>> events = store.ReadAfter(after, options_.catch_up_batch);
  if (!events.ok()) return events.status();
  // Retention may have compacted events this subscriber has not seen yet:
  // end the stream rather than skip them.
  if (events->empty() ? store.OldestSequence() > after + 1
                      : events->front().sequence() != after + 1) {
    absl::Status gone = CompactedError(after, store.OldestSequence());
    absl::MutexLock lock(&mu_);
    status_ = gone;
    return gone;
  }

  std::vector<SharedFrame> frames;
  frames.reserve(events->size() + 1);
  uint64_t cursor = after;
  for (const FeedEvent& event : *events) {
    frames.push_back(FrameEventInView(event, options_.view));
    cursor = event.sequence();
  }
  const bool reached_head = events->size() < options_.catch_up_batch;
  const bool joined = reached_head && hub_->TryJoinLive(this, cursor);

  absl::MutexLock lock(&mu_);
  sent_ = cursor;
  if (joined && !caught_up_sent_) {
    caught_up_sent_ = true;
    frames.push_back(FrameCaughtUp(cursor));
  }
  // Events may have been queued since joining; with nothing else to send,
  // hand those out (or arm) as a live subscription does.
  if (live_ && frames.empty()) return TakeQueued(max_bytes);
  return frames;
}

Hub::Hub(const Store* store)
    : store_(store), published_head_(store->HeadSequence()) {}

Hub::~Hub() = default;

absl::StatusOr<std::shared_ptr<Subscription>> Hub::Subscribe(
    const SubscriptionOptions& options, std::function<void()> on_ready) {
  const uint64_t head = store_->HeadSequence();
  uint64_t start_after = 0;
  switch (options.start) {
    case v1::SubscribeRequest::START_UNSPECIFIED:
    case v1::SubscribeRequest::START_LATEST:
      start_after = head;
      break;
    case v1::SubscribeRequest::START_EARLIEST:
      start_after = store_->OldestSequence() - 1;
      break;
    case v1::SubscribeRequest::START_AFTER_SEQUENCE:
      if (options.after_sequence > head) {
        return absl::OutOfRangeError(absl::StrCat(
            "after_sequence ", options.after_sequence,
            " is past the newest event, sequence ", head));
      }
      if (options.after_sequence + 1 < store_->OldestSequence()) {
        return CompactedError(options.after_sequence, store_->OldestSequence());
      }
      start_after = options.after_sequence;
      break;
    case v1::SubscribeRequest::START_SINCE:
      return absl::UnimplementedError("start SINCE is not supported yet");
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("start: unknown value ", options.start));
  }
  // Not make_shared: the constructor is private.
  std::shared_ptr<Subscription> sub(
      new Subscription(this, options, start_after, std::move(on_ready)));
  absl::MutexLock lock(&mu_);
  if (closed_) return absl::UnavailableError("the server is shutting down");
  subscriptions_.emplace(sub.get(), sub);
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
  sub->live_ = true;
  sub->seen_ = cursor;
  live_.insert(sub);
  return true;
}

void Hub::Publish(const FeedEvent& event) {
  std::vector<std::shared_ptr<Subscription>> to_ring;
  {
    absl::MutexLock lock(&mu_);
    if (event.sequence() <= published_head_) return;  // Already delivered.
    if (event.sequence() != published_head_ + 1) {
      early_.emplace(event.sequence(), event);
      return;
    }
    Deliver(event, to_ring);
    for (auto it = early_.find(published_head_ + 1); it != early_.end();
         it = early_.find(published_head_ + 1)) {
      Deliver(it->second, to_ring);
      early_.erase(it);
    }
  }
  for (const auto& sub : to_ring) sub->on_ready_();
}

void Hub::Deliver(const FeedEvent& event,
                  std::vector<std::shared_ptr<Subscription>>& to_ring) {
  published_head_ = event.sequence();
  // Framed lazily, at most once per view, and shared by every subscription.
  SharedFrame frames[3];
  std::vector<Subscription*> fell_back;
  for (Subscription* sub : live_) {
    absl::MutexLock sub_lock(&sub->mu_);
    if (event.sequence() <= sub->seen_) continue;  // Read during catch-up.
    sub->seen_ = event.sequence();
    const v1::ArticleView view = sub->options_.view == v1::ARTICLE_VIEW_FULL
                                     ? v1::ARTICLE_VIEW_FULL
                                     : v1::ARTICLE_VIEW_HEADLINE;
    SharedFrame& frame = frames[view];
    if (!frame) frame = FrameEventInView(event, view);
    sub->queued_bytes_ += frame->bytes.size();
    sub->queue_.push_back(frame);
    if (sub->queued_bytes_ > sub->options_.max_queue_bytes) {
      // Too slow to keep up: drop the queue and catch up from the Store,
      // starting after the last event actually handed out.
      sub->queue_.clear();
      sub->queued_bytes_ = 0;
      sub->live_ = false;
      ++sub->fallbacks_;
      fell_back.push_back(sub);
    }
    if (sub->armed_) {
      sub->armed_ = false;
      if (auto owner = subscriptions_.at(sub).lock()) to_ring.push_back(std::move(owner));
    }
  }
  for (Subscription* sub : fell_back) live_.erase(sub);
}

void Hub::Close() {
  std::vector<std::shared_ptr<Subscription>> to_ring;
  {
    absl::MutexLock lock(&mu_);
    closed_ = true;
    for (auto& [sub, weak] : subscriptions_) {
      absl::MutexLock sub_lock(&sub->mu_);
      sub->status_ = absl::UnavailableError("the server is shutting down");
      sub->queue_.clear();
      sub->queued_bytes_ = 0;
      if (auto owner = weak.lock()) to_ring.push_back(std::move(owner));
    }
    live_.clear();
  }
  for (const auto& sub : to_ring) sub->on_ready_();
}

void Hub::Remove(Subscription* sub) {
  absl::MutexLock lock(&mu_);
  subscriptions_.erase(sub);
  live_.erase(sub);
}

size_t Hub::subscription_count() const {
  absl::MutexLock lock(&mu_);
  return subscriptions_.size();
}

}  // namespace newswire
