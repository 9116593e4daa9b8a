#include "service/websub_hub.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/base/event_log.h"
#include "core/base/random.h"
#include "absl/synchronization/mutex.h"
#include "core/search/filter_query.h"
#include "core/model/sha256.h"
#include "core/syndicate/feed_writer.h"
#include "service/http_client.h"
#include "service/websub_request.h"

namespace newswire {
namespace {

// Bytes of live events taken for one delivery at most (catch-up is bounded
// by WebSubOptions::max_entries).
constexpr size_t kMaxDeliveryBytes = 1 << 20;

bool Is2xx(int status) { return status >= 200 && status < 300; }

// The lease granted for `asked` seconds (none: the default).
absl::Duration GrantLease(std::optional<uint64_t> asked, const WebSubOptions& options) {
  if (!asked.has_value()) return std::max(kDefaultWebSubLease, options.min_lease);
  const absl::Duration wanted =
      absl::Seconds(std::min<uint64_t>(*asked, absl::ToInt64Seconds(kMaxWebSubLease)));
  return std::clamp(wanted, options.min_lease,
                    std::max(options.min_lease, kMaxWebSubLease));
}

// `events` (in sequence order) as a document of `topic`'s feed: the latest
// version of each article, newest first.
std::string RenderDelivery(const WebSubTopic& topic, std::vector<FeedEvent>& events) {
  FeedPage page;
  page.id = topic.feed_id;
  page.title = "newswire";
  page.self_url = topic.url;
  page.hub_url = WebSubHubUrl(topic);
  page.updated = absl::UnixEpoch();
  absl::flat_hash_set<std::string> seen;
  for (auto it = events.rbegin(); it != events.rend(); ++it) {
    if (!seen.insert(it->article().id()).second) continue;
    page.updated = std::max(page.updated, FromProtoTime(it->article().version_created()));
    page.articles.push_back(std::move(*it->mutable_article()));
  }
  return topic.format->write(page);
}

}  // namespace

class WebSubHub::Core : public std::enable_shared_from_this<Core> {
 public:
  Core(Hub& hub, const Store& store, std::unique_ptr<WebSubStore> subscriptions,
       const WebSubOptions& options)
      : hub_(hub),
        store_(store),
        subscriptions_(std::move(subscriptions)),
        options_(options) {}

  // Loads the stored subscriptions and starts the threads.
  absl::Status Start();
  // Stops the threads and ends every subscription's feed. Idempotent.
  void Stop();

  HttpResponse HandleRequest(const HttpRequest& request);

  size_t subscription_count() const {
    absl::MutexLock lock(&mu_);
    return subscribers_.size();
  }
  std::atomic<uint64_t> deliveries{0};
  std::atomic<uint64_t> retries{0};
  std::atomic<uint64_t> failed_deliveries{0};

 private:
  // A delivery that has not been taken yet.
  struct Pending {
    std::string body;
    uint64_t cursor = 0;  // Where the subscriber stands once it is taken.
    int attempts = 0;
  };

  // One verified subscription. `topic` is fixed; the rest is guarded by
  // Core::mu_ (the analysis cannot name another object's mutex).
  struct Subscriber {
    Subscriber(WebSubRecord r, WebSubTopic t)
        : topic(std::move(t)), record(std::move(r)) {}
    const WebSubTopic topic;
    WebSubRecord record;
    std::shared_ptr<Subscription> feed;  // Its topic's events, from its cursor.
    // A delivery job is queued or running (one at a time, so in order).
    bool scheduled = false;
    // The feed woke it since the job last looked.
    bool ready = false;
    // No more deliveries from this server: deleted, or (on a cluster)
    // another replica delivers to it now.
    bool gone = false;
    // Deleted (unsubscribed, lease ended, 410): its cursor is not stored.
    bool deleted = false;
    std::optional<Pending> pending;
  };
  using Key = std::pair<std::string, std::string>;  // (topic, callback).

  void WorkLoop();
  void Schedule(absl::Time due, std::function<void()> job)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ScheduleDelivery(const std::shared_ptr<Subscriber>& sub, absl::Time due)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ScheduleExpiry(const std::shared_ptr<Subscriber>& sub, absl::Time lease_end)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // What the feed calls when it has events again.
  void Wake(const std::shared_ptr<Subscriber>& sub);
  // A feed subscription to `sub`'s topic after `cursor` (brought within
  // what the store holds).
  absl::StatusOr<std::shared_ptr<Subscription>> OpenFeed(
      const std::shared_ptr<Subscriber>& sub, uint64_t cursor);
  // Makes `sub` (stored already) live: listed, delivering, expiring.
  void Activate(std::shared_ptr<Subscriber> sub, std::shared_ptr<Subscription> feed);
  // Starts delivering to the stored `record` after its cursor. False when
  // this server has not applied up to that cursor yet (a replica behind
  // the one that delivered before it): try again later. A feed that does
  // not open is logged, the record kept for a later start.
  bool Resume(WebSubRecord record);
  // The stored subscription (topic, callback), if any.
  std::optional<WebSubRecord> Stored(absl::string_view topic, absl::string_view callback);

  // On a cluster (a shared WebSubStore): runs Reconcile on a worker, once
  // for any number of calls until it runs, after `delay`.
  void ScheduleReconcile(absl::Duration delay);
  // Brings the subscribers this server delivers to in line with the store:
  // starts those it delivers to now (after their stored cursor), stops
  // those another replica delivers to or that were deleted through
  // another, and takes renewals made through another.
  void Reconcile();

  void Verify(const WebSubRequest& request, absl::Duration lease);
  void Subscribe(const WebSubRequest& request, absl::Duration lease);
  void Deliver(const std::shared_ptr<Subscriber>& sub);
  // Handles a feed that failed: closed, fell behind retention, or a read error.
  void FeedFailed(const std::shared_ptr<Subscriber>& sub, const absl::Status& status);
  // Records that `sub` stands at `cursor`.
  void Advance(const std::shared_ptr<Subscriber>& sub, uint64_t cursor);
  // Deletes `sub`, from memory and from the store.
  void Remove(const std::shared_ptr<Subscriber>& sub, absl::string_view why);
  // Deletes the subscription (topic, callback) from the store, saying why.
  void DeleteStored(absl::string_view topic, absl::string_view callback,
                    absl::string_view why) ABSL_EXCLUSIVE_LOCKS_REQUIRED(store_mu_);

  Hub& hub_;
  const Store& store_;
  const std::unique_ptr<WebSubStore> subscriptions_;
  const WebSubOptions options_;
  // Set once stopping: requests in flight give up.
  std::atomic<bool> cancel_{false};

  // Held across each write to subscriptions_ with the change it records, so
  // the store sees changes in the order memory does. Never taken under mu_.
  absl::Mutex store_mu_ ABSL_ACQUIRED_BEFORE(mu_);

  mutable absl::Mutex mu_;
  absl::CondVar work_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  absl::flat_hash_map<Key, std::shared_ptr<Subscriber>> subscribers_ ABSL_GUARDED_BY(mu_);
  // Jobs by when they are due.
  std::multimap<absl::Time, std::function<void()>> jobs_ ABSL_GUARDED_BY(mu_);
  size_t pending_verifications_ ABSL_GUARDED_BY(mu_) = 0;
  bool reconcile_scheduled_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> workers_;
};

absl::Status WebSubHub::Core::Start() {
  absl::StatusOr<std::vector<WebSubRecord>> records = subscriptions_->Load();
  if (!records.ok()) return records.status();
  const absl::Time now = absl::Now();
  for (WebSubRecord& record : *records) {
    absl::StatusOr<WebSubTopic> topic = ParseWebSubTopic(record.topic);
    if (!topic.ok() || record.lease_end <= now) {
      if (absl::Status s = subscriptions_->Remove(record.topic, record.callback);
          !s.ok()) {
        return s;
      }
      continue;
    }
    if (!subscriptions_->Delivers(record)) continue;  // Another replica does.
    if (!Resume(std::move(record))) ScheduleReconcile(absl::Seconds(1));
  }
  const int threads = std::max(1, options_.delivery_threads);
  for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { WorkLoop(); });
  subscriptions_->Watch([weak = weak_from_this()] {
    if (std::shared_ptr<Core> core = weak.lock()) core->ScheduleReconcile(absl::ZeroDuration());
  });
  return absl::OkStatus();
}

void WebSubHub::Core::Stop() {
  subscriptions_->StopWatching();
  {
    absl::MutexLock lock(&mu_);
    if (stop_) return;
    stop_ = true;
    cancel_ = true;
    work_.SignalAll();
  }
  for (std::thread& worker : workers_) worker.join();
  // Released outside the lock: ending a feed subscription takes the Hub's.
  std::multimap<absl::Time, std::function<void()>> jobs;
  absl::flat_hash_map<Key, std::shared_ptr<Subscriber>> subscribers;
  {
    absl::MutexLock lock(&mu_);
    jobs.swap(jobs_);
    subscribers.swap(subscribers_);
    for (auto& [key, sub] : subscribers) sub->gone = true;
  }
}

void WebSubHub::Core::WorkLoop() {
  absl::MutexLock lock(&mu_);
  while (!stop_) {
    if (jobs_.empty()) {
      work_.Wait(&mu_);
      continue;
    }
    const absl::Time due = jobs_.begin()->first;
    if (due > absl::Now()) {
      work_.WaitWithDeadline(&mu_, due);
      continue;
    }
    std::function<void()> job = std::move(jobs_.begin()->second);
    jobs_.erase(jobs_.begin());
    mu_.Unlock();
    job();
    job = nullptr;  // Whatever it holds goes before the lock is taken again.
    mu_.Lock();
  }
}

void WebSubHub::Core::Schedule(absl::Time due, std::function<void()> job) {
  jobs_.emplace(due, std::move(job));
  work_.Signal();
}

void WebSubHub::Core::ScheduleDelivery(const std::shared_ptr<Subscriber>& sub,
                                       absl::Time due) {
  Schedule(due, [this, sub] { Deliver(sub); });
}

void WebSubHub::Core::ScheduleExpiry(const std::shared_ptr<Subscriber>& sub,
                                     absl::Time lease_end) {
  Schedule(lease_end, [this, weak = std::weak_ptr<Subscriber>(sub)] {
    std::shared_ptr<Subscriber> sub = weak.lock();
    if (sub == nullptr) return;
    bool ended;
    {
      absl::MutexLock lock(&mu_);
      ended = !sub->gone && sub->record.lease_end <= absl::Now();
    }
    if (ended) Remove(sub, "its lease ended");
  });
}

void WebSubHub::Core::Wake(const std::shared_ptr<Subscriber>& sub) {
  absl::MutexLock lock(&mu_);
  if (stop_ || sub->gone) return;
  sub->ready = true;
  if (sub->scheduled) return;
  sub->scheduled = true;
  ScheduleDelivery(sub, absl::Now());
}

absl::StatusOr<std::shared_ptr<Subscription>> WebSubHub::Core::OpenFeed(
    const std::shared_ptr<Subscriber>& sub, uint64_t cursor) {
  SubscriptionOptions options;
  options.start = v1::SubscribeRequest::START_AFTER_SEQUENCE;
  const uint64_t head = store_.HeadSequence();
  const uint64_t oldest = store_.OldestSequence();
  // Entries compacted by retention are gone for every reader.
  options.after_sequence = std::clamp(cursor, oldest > 0 ? oldest - 1 : 0, head);
  options.filter = sub->topic.filter;
  options.view = v1::ARTICLE_VIEW_FULL;
  options.client = "websub";
  options.catch_up_batch = options_.max_entries;
  return hub_.Subscribe(
      options, [weak_core = weak_from_this(), weak_sub = std::weak_ptr<Subscriber>(sub)] {
        std::shared_ptr<Core> core = weak_core.lock();
        std::shared_ptr<Subscriber> sub = weak_sub.lock();
        if (core != nullptr && sub != nullptr) core->Wake(sub);
      });
}

void WebSubHub::Core::Activate(std::shared_ptr<Subscriber> sub,
                               std::shared_ptr<Subscription> feed) {
  absl::MutexLock lock(&mu_);
  const Key key{sub->topic.url, sub->record.callback};
  if (stop_ || subscribers_.contains(key)) return;  // `feed` ends with this call.
  sub->feed = std::move(feed);
  // The feed wakes a subscriber only after Next found nothing: look once.
  sub->scheduled = true;
  ScheduleDelivery(sub, absl::Now());
  ScheduleExpiry(sub, sub->record.lease_end);
  subscribers_[key] = std::move(sub);
}

bool WebSubHub::Core::Resume(WebSubRecord record) {
  absl::StatusOr<WebSubTopic> topic = ParseWebSubTopic(record.topic);
  if (!topic.ok()) return true;  // Not one of this server's feeds: never.
  const uint64_t cursor = record.cursor;
  if (cursor > store_.HeadSequence()) return false;
  auto sub = std::make_shared<Subscriber>(std::move(record), *std::move(topic));
  absl::StatusOr<std::shared_ptr<Subscription>> feed = OpenFeed(sub, cursor);
  if (!feed.ok()) {
    LogEvent(LogLevel::kError, "websub.not_resumed",
             {{"callback", sub->record.callback},
              {"code", feed.status()},
              {"reason", feed.status().message()}});
    return true;
  }
  LogEvent(LogLevel::kInfo, "websub.delivering",
           {{"callback", sub->record.callback}, {"topic", sub->topic.url}, {"after", cursor}});
  Activate(std::move(sub), *std::move(feed));
  return true;
}

std::optional<WebSubRecord> WebSubHub::Core::Stored(absl::string_view topic,
                                                    absl::string_view callback) {
  absl::StatusOr<std::vector<WebSubRecord>> records = subscriptions_->Load();
  if (!records.ok()) {
    LogEvent(LogLevel::kError, "websub.not_read",
             {{"code", records.status()}, {"reason", records.status().message()}});
    return std::nullopt;
  }
  for (WebSubRecord& record : *records) {
    if (record.topic == topic && record.callback == callback) return std::move(record);
  }
  return std::nullopt;
}

void WebSubHub::Core::ScheduleReconcile(absl::Duration delay) {
  absl::MutexLock lock(&mu_);
  if (stop_ || reconcile_scheduled_) return;
  reconcile_scheduled_ = true;
  Schedule(absl::Now() + delay, [this] { Reconcile(); });
}

void WebSubHub::Core::Reconcile() {
  {
    absl::MutexLock lock(&mu_);
    reconcile_scheduled_ = false;
  }
  absl::MutexLock store_lock(&store_mu_);
  absl::StatusOr<std::vector<WebSubRecord>> records = subscriptions_->Load();
  if (!records.ok()) {
    LogEvent(LogLevel::kWarning, "websub.read_failed",
             {{"code", records.status()},
              {"reason", records.status().message()},
              {"next", "trying again"}});
    ScheduleReconcile(absl::Seconds(1));
    return;
  }
  const absl::Time now = absl::Now();
  absl::flat_hash_set<Key> delivered_here;
  bool again = false;  // Some could not start yet.
  for (WebSubRecord& record : *records) {
    if (!subscriptions_->Delivers(record)) continue;
    Key key{record.topic, record.callback};
    delivered_here.insert(key);
    {
      absl::MutexLock lock(&mu_);
      if (auto it = subscribers_.find(key); it != subscribers_.end()) {
        Subscriber& sub = *it->second;  // Renewed through another replica?
        sub.record.secret = record.secret;
        if (sub.record.lease_end != record.lease_end) {
          sub.record.lease_end = record.lease_end;
          ScheduleExpiry(it->second, record.lease_end);
        }
        continue;
      }
    }
    if (record.lease_end <= now) {
      DeleteStored(record.topic, record.callback, "its lease ended");
      continue;
    }
    if (!Resume(std::move(record))) again = true;
  }
  std::vector<std::shared_ptr<Subscription>> feeds;  // Ended after the lock.
  std::vector<Key> released;
  {
    absl::MutexLock lock(&mu_);
    for (auto it = subscribers_.begin(); it != subscribers_.end();) {
      if (delivered_here.contains(it->first)) {
        ++it;
        continue;
      }
      Subscriber& sub = *it->second;
      sub.gone = true;  // A delivery under way still stores its cursor.
      sub.pending.reset();
      feeds.push_back(std::move(sub.feed));
      released.push_back(it->first);
      subscribers_.erase(it++);
    }
  }
  for (const auto& [topic, callback] : released) {
    LogEvent(LogLevel::kInfo, "websub.handed_over", {{"callback", callback}, {"topic", topic}});
  }
  if (again) ScheduleReconcile(absl::Seconds(1));
}

HttpResponse WebSubHub::Core::HandleRequest(const HttpRequest& request) {
  const std::string content_type = absl::AsciiStrToLower(request.Header("content-type"));
  if (!content_type.empty() &&
      !absl::StartsWith(content_type, "application/x-www-form-urlencoded")) {
    return TextResponse(415, "the hub takes application/x-www-form-urlencoded forms");
  }
  absl::StatusOr<WebSubRequest> parsed = ParseWebSubRequest(request.body);
  if (!parsed.ok()) return TextResponse(400, parsed.status().message());
  const absl::Duration lease = GrantLease(parsed->lease_seconds, options_);
  {
    absl::MutexLock lock(&mu_);
    if (stop_) return TextResponse(503, "the hub is shutting down");
    if (pending_verifications_ >= options_.max_pending_verifications) {
      HttpResponse busy =
          TextResponse(503, "too many verifications pending: try again later");
      busy.headers.emplace_back("Retry-After", "60");
      return busy;
    }
    ++pending_verifications_;
    Schedule(absl::Now(),
             [this, request = *std::move(parsed), lease] { Verify(request, lease); });
  }
  return TextResponse(202, "accepted: the hub will verify the intent at the callback");
}

void WebSubHub::Core::Verify(const WebSubRequest& request, absl::Duration lease) {
  const bool subscribe = request.mode == WebSubMode::kSubscribe;
  const std::string challenge = RandomHex(16);
  std::string query = absl::StrCat("hub.mode=", subscribe ? "subscribe" : "unsubscribe",
                                   "&hub.topic=", EncodeQueryValue(request.topic.url),
                                   "&hub.challenge=", challenge);
  if (subscribe)
    absl::StrAppend(&query, "&hub.lease_seconds=", absl::ToInt64Seconds(lease));
  OutgoingRequest get;
  get.url = AppendQuery(request.callback, query);
  get.timeout = options_.request_timeout;
  get.max_response_bytes = 1024;
  get.cancel = &cancel_;
  absl::StatusOr<IncomingResponse> answer = SendHttpRequest(get);
  {
    absl::MutexLock lock(&mu_);
    --pending_verifications_;
  }
  if (!answer.ok() || !Is2xx(answer->status) || answer->body != challenge) {
    LogEvent(LogLevel::kInfo,
             subscribe ? "websub.subscription_not_verified"
                       : "websub.unsubscription_not_verified",
             {{"callback", request.callback},
              {"topic", request.topic.url},
              {"reason", answer.ok() ? absl::StrCat("HTTP ", answer->status,
                                                    Is2xx(answer->status)
                                                        ? " without the challenge"
                                                        : "")
                                     : std::string(answer.status().message())}});
    return;
  }
  if (subscribe) {
    Subscribe(request, lease);
    return;
  }
  std::shared_ptr<Subscriber> sub;
  {
    absl::MutexLock lock(&mu_);
    auto it = subscribers_.find(Key{request.topic.url, request.callback});
    if (it != subscribers_.end()) sub = it->second;
  }
  if (sub != nullptr) {
    Remove(sub, "it unsubscribed");
    return;
  }
  // Delivered to by another replica of a cluster (or not at all).
  absl::MutexLock store_lock(&store_mu_);
  if (Stored(request.topic.url, request.callback).has_value())
    DeleteStored(request.topic.url, request.callback, "it unsubscribed");
}

void WebSubHub::Core::Subscribe(const WebSubRequest& request, absl::Duration lease) {
  const absl::Time now = absl::Now();
  absl::MutexLock store_lock(&store_mu_);
  std::optional<WebSubRecord> renewed;
  {
    absl::MutexLock lock(&mu_);
    auto it = subscribers_.find(Key{request.topic.url, request.callback});
    if (it != subscribers_.end()) {
      Subscriber& sub = *it->second;
      sub.record.secret = request.secret;
      sub.record.lease_end = now + lease;
      renewed = sub.record;
      ScheduleExpiry(it->second, sub.record.lease_end);
    }
  }
  // Stored but not delivered here: by another replica of a cluster, or
  // its feed did not open at the last start. It keeps its cursor.
  bool resume = false;
  if (!renewed.has_value()) {
    renewed = Stored(request.topic.url, request.callback);
    if (renewed.has_value()) {
      renewed->secret = request.secret;
      renewed->lease_end = now + lease;
      resume = subscriptions_->Delivers(*renewed);
    }
  }
  if (renewed.has_value()) {
    if (absl::Status s = subscriptions_->Put(*renewed); !s.ok()) {
      LogEvent(LogLevel::kError, "websub.renewal_not_stored",
               {{"callback", request.callback}, {"code", s}, {"reason", s.message()}});
    }
    LogEvent(LogLevel::kInfo, "websub.renewed",
             {{"callback", request.callback},
              {"topic", request.topic.url},
              {"until", absl::FormatTime(renewed->lease_end)}});
    if (resume && !Resume(*std::move(renewed))) ScheduleReconcile(absl::Seconds(1));
    return;
  }
  WebSubRecord record;
  record.topic = request.topic.url;
  record.callback = request.callback;
  record.secret = request.secret;
  record.lease_end = now + lease;
  record.created = now;
  record.cursor = store_.HeadSequence();  // New entries from now on.
  // On a cluster, the replica that delivers to it may be another.
  const bool here = subscriptions_->Delivers(record);
  auto sub = std::make_shared<Subscriber>(record, request.topic);
  absl::StatusOr<std::shared_ptr<Subscription>> feed = nullptr;
  if (here) feed = OpenFeed(sub, record.cursor);
  absl::Status s = feed.status();
  if (s.ok()) s = subscriptions_->Put(record);
  if (!s.ok()) {
    LogEvent(LogLevel::kError, "websub.not_started",
             {{"callback", request.callback},
              {"topic", request.topic.url},
              {"code", s},
              {"reason", s.message()}});
    return;
  }
  LogEvent(LogLevel::kInfo, "websub.subscribed",
           {{"callback", record.callback},
            {"topic", record.topic},
            {"until", absl::FormatTime(record.lease_end)}});
  if (here) Activate(std::move(sub), *std::move(feed));
}

void WebSubHub::Core::Deliver(const std::shared_ptr<Subscriber>& sub) {
  std::shared_ptr<Subscription> feed;
  std::optional<Pending> pending;
  bool ended = false;
  {
    absl::MutexLock lock(&mu_);
    if (stop_ || sub->gone) {
      sub->scheduled = false;
      return;
    }
    ended = sub->record.lease_end <= absl::Now();
    feed = sub->feed;
    pending = std::move(sub->pending);
    sub->pending.reset();
    sub->ready = false;
  }
  if (ended) {
    Remove(sub, "its lease ended");
    return;
  }

  if (!pending.has_value()) {
    // Until entries come, or nothing (the feed then wakes the subscriber):
    // CAUGHT_UP alone is not nothing.
    std::vector<FeedEvent> events;
    absl::StatusOr<std::vector<FrameRun>> runs;
    do {
      runs = feed->Next(kMaxDeliveryBytes);
      if (!runs.ok()) {
        FeedFailed(sub, runs.status());
        return;
      }
      for (const FrameRun& run : *runs) {
        ForEachFramedEvent(run.bytes, [&events](absl::string_view bytes) {
          FeedEvent event;
          if (!event.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return;
          if (event.sequence() != 0 && event.has_article())
            events.push_back(std::move(event));
        });
      }
    } while (events.empty() && !runs->empty());
    const uint64_t cursor = feed->cursor();
    if (events.empty()) {
      absl::MutexLock lock(&mu_);
      if (sub->ready && !stop_ && !sub->gone) {
        ScheduleDelivery(sub, absl::Now());
      } else {
        sub->scheduled = false;
      }
      return;
    }
    pending = Pending{RenderDelivery(sub->topic, events), cursor, 0};
  }

  OutgoingRequest post;
  post.method = "POST";
  post.timeout = options_.request_timeout;
  post.cancel = &cancel_;
  std::string secret;
  {
    absl::MutexLock lock(&mu_);
    post.url = sub->record.callback;
    secret = sub->record.secret;
  }
  post.headers.emplace_back("Content-Type", std::string(sub->topic.format->content_type));
  post.headers.emplace_back(
      "Link", absl::StrCat("<", WebSubHubUrl(sub->topic), ">; rel=\"hub\", <",
                           sub->topic.url, ">; rel=\"self\""));
  if (!secret.empty()) {
    post.headers.emplace_back("X-Hub-Signature",
                              absl::StrCat("sha256=", absl::BytesToHexString(HmacSha256(
                                                          secret, pending->body))));
  }
  post.body = pending->body;
  absl::StatusOr<IncomingResponse> answer = SendHttpRequest(post);

  if (answer.ok() && Is2xx(answer->status)) {
    ++deliveries;
    Advance(sub, pending->cursor);
    absl::MutexLock lock(&mu_);
    if (stop_ || sub->gone) {
      sub->scheduled = false;
    } else {
      ScheduleDelivery(sub, absl::Now());  // There may be more.
    }
    return;
  }
  if (answer.ok() && answer->status == 410) {
    Remove(sub, "its callback answered 410 Gone");
    return;
  }
  if (answer.status().code() == absl::StatusCode::kCancelled) {
    absl::MutexLock lock(&mu_);
    sub->scheduled = false;
    return;
  }
  if (++pending->attempts >= options_.max_attempts) {
    ++failed_deliveries;
    LogEvent(LogLevel::kWarning, "websub.delivery_given_up",
             {{"callback", post.url},
              {"attempts", pending->attempts},
              {"reason", answer.ok() ? absl::StrCat("HTTP ", answer->status)
                                     : std::string(answer.status().message())}});
    Advance(sub, pending->cursor);
    pending.reset();
  } else {
    ++retries;
  }
  absl::MutexLock lock(&mu_);
  if (stop_ || sub->gone) {
    sub->scheduled = false;
    return;
  }
  absl::Time due = absl::Now();
  if (pending.has_value()) {
    due += std::min(
        options_.retry_delay * (int64_t{1} << std::min(pending->attempts - 1, 20)),
        options_.max_retry_delay);
    sub->pending = std::move(pending);
  }
  ScheduleDelivery(sub, due);
}

void WebSubHub::Core::FeedFailed(const std::shared_ptr<Subscriber>& sub,
                                 const absl::Status& status) {
  if (status.code() == absl::StatusCode::kUnavailable) {  // The Hub closed.
    absl::MutexLock lock(&mu_);
    sub->scheduled = false;
    return;
  }
  if (status.code() == absl::StatusCode::kOutOfRange) {
    // Retention compacted entries not yet delivered: go on from what is kept.
    uint64_t cursor;
    {
      absl::MutexLock lock(&mu_);
      cursor = sub->record.cursor;
    }
    absl::StatusOr<std::shared_ptr<Subscription>> feed = OpenFeed(sub, cursor);
    if (feed.ok()) {
      std::shared_ptr<Subscription> old;
      absl::MutexLock lock(&mu_);
      old = std::exchange(sub->feed, *std::move(feed));
      if (stop_ || sub->gone) {
        sub->scheduled = false;
      } else {
        ScheduleDelivery(sub, absl::Now());
      }
      // `old` is released after the lock (declared before it).
      return;
    }
  }
  LogEvent(LogLevel::kWarning, "websub.read_failed",
           {{"topic", sub->topic.url},
            {"callback", sub->record.callback},
            {"code", status},
            {"reason", status.message()},
            {"next", "trying again"}});
  absl::MutexLock lock(&mu_);
  if (stop_ || sub->gone) {
    sub->scheduled = false;
    return;
  }
  ScheduleDelivery(sub, absl::Now() + options_.retry_delay);
}

void WebSubHub::Core::Advance(const std::shared_ptr<Subscriber>& sub, uint64_t cursor) {
  absl::MutexLock store_lock(&store_mu_);
  {
    absl::MutexLock lock(&mu_);
    if (sub->deleted) return;
    sub->record.cursor = cursor;
  }
  if (absl::Status s =
          subscriptions_->SetCursor(sub->topic.url, sub->record.callback, cursor);
      !s.ok()) {
    LogEvent(LogLevel::kError, "websub.cursor_not_stored",
             {{"callback", sub->record.callback}, {"code", s}, {"reason", s.message()}});
  }
}

void WebSubHub::Core::Remove(const std::shared_ptr<Subscriber>& sub,
                             absl::string_view why) {
  std::shared_ptr<Subscription> feed;  // Ended after the locks.
  absl::MutexLock store_lock(&store_mu_);
  const Key key{sub->topic.url, sub->record.callback};
  {
    absl::MutexLock lock(&mu_);
    if (sub->deleted) return;
    sub->gone = true;
    sub->deleted = true;
    sub->pending.reset();
    auto it = subscribers_.find(key);
    if (it != subscribers_.end() && it->second == sub) subscribers_.erase(it);
    feed = std::move(sub->feed);
  }
  DeleteStored(key.first, key.second, why);
}

void WebSubHub::Core::DeleteStored(absl::string_view topic, absl::string_view callback,
                                   absl::string_view why) {
  LogEvent(LogLevel::kInfo, "websub.unsubscribed",
           {{"callback", callback}, {"topic", topic}, {"why", why}});
  if (absl::Status s = subscriptions_->Remove(topic, callback); !s.ok()) {
    LogEvent(LogLevel::kError, "websub.deletion_not_stored",
             {{"callback", callback}, {"code", s}, {"reason", s.message()}});
  }
}

WebSubHub::WebSubHub(std::shared_ptr<Core> core) : core_(std::move(core)) {}

WebSubHub::~WebSubHub() { core_->Stop(); }

absl::StatusOr<std::unique_ptr<WebSubHub>> WebSubHub::Start(
    Hub& hub, const Store& store, std::unique_ptr<WebSubStore> subscriptions,
    const WebSubOptions& options) {
  auto core = std::make_shared<Core>(hub, store, std::move(subscriptions), options);
  if (absl::Status s = core->Start(); !s.ok()) {
    core->Stop();
    return s;
  }
  return std::unique_ptr<WebSubHub>(new WebSubHub(std::move(core)));
}

HttpResponse WebSubHub::HandleRequest(const HttpRequest& request) {
  return core_->HandleRequest(request);
}

size_t WebSubHub::subscription_count() const { return core_->subscription_count(); }
uint64_t WebSubHub::deliveries() const { return core_->deliveries.load(); }
uint64_t WebSubHub::retries() const { return core_->retries.load(); }
uint64_t WebSubHub::failed_deliveries() const { return core_->failed_deliveries.load(); }

std::vector<HttpRoute> WebSubRoutes(std::shared_ptr<WebSubHub> hub) {
  return {{"POST", kWebSubPath, [hub = std::move(hub)](const HttpRequest& request) {
             return hub->HandleRequest(request);
           }}};
}

}  // namespace newswire
