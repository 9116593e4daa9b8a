#include "core/store/jetstream_websub.h"

#include <algorithm>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "core/base/event_log.h"
#include "core/base/random.h"
#include "core/model/sha256.h"

namespace newswire {
namespace {

constexpr char kSubscriptionSubject[] = "nws.s.";
constexpr char kCursorSubject[] = "nws.c.";
constexpr char kReplicaSubject[] = "nws.r.";

constexpr char kTopicHeader[] = "Newswire-Topic";
constexpr char kCallbackHeader[] = "Newswire-Callback";
constexpr char kSecretHeader[] = "Newswire-Secret";        // Hex.
constexpr char kLeaseEndHeader[] = "Newswire-Lease-End";   // Unix microseconds.
constexpr char kCreatedHeader[] = "Newswire-Created";      // Unix microseconds.
constexpr char kCursorHeader[] = "Newswire-Cursor";
constexpr char kRemovedHeader[] = "Newswire-Removed";      // "1" on a removal.
constexpr char kReplicaHeader[] = "Newswire-Replica";      // "live" or "left".
constexpr char kLeft[] = "left";

// How long one wait for the next change lasts before the follower looks
// at whether it should stop or tell of a change.
constexpr absl::Duration kFollowWait = absl::Milliseconds(250);
// How long a stopping replica tries to say that it left.
constexpr absl::Duration kLeaveTimeout = absl::Seconds(2);

std::string SubscriptionHash(absl::string_view topic, absl::string_view callback) {
  return Sha256Hex(absl::StrCat(topic, "\n", callback), 16);
}

// Of `live`, the replica that delivers to the subscription `hash`.
std::string Deliverer(const std::vector<std::string>& live, absl::string_view hash) {
  std::string best;
  std::string best_rank;
  for (const std::string& replica : live) {
    std::string rank = Sha256Hex(absl::StrCat(replica, "/", hash), 8);
    if (best.empty() || rank > best_rank) {
      best = replica;
      best_rank = std::move(rank);
    }
  }
  return best;
}

int64_t HeaderNumber(const LogMessage& message, absl::string_view name) {
  int64_t value = 0;
  return absl::SimpleAtoi(message.Header(name), &value) ? value : 0;
}

class SharedWebSubStore final : public WebSubStore {
 public:
  SharedWebSubStore(std::unique_ptr<JetStreamLog> log, const SharedWebSubOptions& options)
      : log_(std::move(log)), options_(options), replica_(RandomHex(8)) {}

  ~SharedWebSubStore() override {
    stop_.Notify();
    if (beater_.joinable()) beater_.join();
    if (follower_.joinable()) follower_.join();
    // The others take this replica's share now, not after dead_after.
    LogAppend left = Heartbeat();
    left.headers = {{kReplicaHeader, kLeft}};
    (void)log_->Append(left, kLeaveTimeout);
  }

  // Says this replica is live; remembers when that was last stored.
  absl::Status Beat(std::optional<absl::Duration> retry_for) {
    absl::StatusOr<LogAppended> appended = log_->Append(Heartbeat(), retry_for);
    if (!appended.ok()) return appended.status();
    absl::MutexLock lock(&mu_);
    last_beat_ = absl::Now();
    return absl::OkStatus();
  }

  // From now on, beats every options_.heartbeat and follows the stream,
  // each on a thread of its own.
  void Start() {
    follower_ = std::thread([this] { FollowLoop(); });
    beater_ = std::thread([this] {
      while (!stop_.WaitForNotificationWithTimeout(options_.heartbeat)) {
        (void)Beat(options_.heartbeat);
        absl::MutexLock lock(&mu_);
        const bool cut_off = absl::Now() - last_beat_ > options_.dead_after;
        if (cut_off != cut_off_) {
          cut_off_ = cut_off;
          changed_ = true;
          LogEvent(cut_off ? LogLevel::kWarning : LogLevel::kInfo,
                   cut_off ? "websub.delivery_paused" : "websub.delivery_resumed",
                   {{"stream", kWebSubStream},
                    {"reason", cut_off ? "no heartbeat of this replica stored lately"
                                       : "heartbeats stored again"}});
        }
      }
    });
  }

  // Reads the stream from where the last read ended to its last message
  // (not under mu_: Delivers and the heartbeat go on meanwhile).
  absl::Status CatchUp() const {
    // CatchUpFold holds mu_ around each Fold.
    return CatchUpFold(*log_, mu_, read_to_, [this](const LogMessage& message)
                                                ABSL_NO_THREAD_SAFETY_ANALYSIS { Fold(message); });
  }

  // Whether the stream ever held the subscription of `record`.
  bool Knows(const WebSubRecord& record) const {
    absl::MutexLock lock(&mu_);
    return seen_.contains(SubscriptionHash(record.topic, record.callback));
  }

  absl::StatusOr<std::vector<WebSubRecord>> Load() const override {
    if (absl::Status s = CatchUp(); !s.ok()) return s;
    std::vector<WebSubRecord> records;
    {
      absl::MutexLock lock(&mu_);
      records.reserve(records_.size());
      for (const auto& [hash, record] : records_) records.push_back(record);
    }
    std::sort(records.begin(), records.end(), [](const auto& a, const auto& b) {
      return std::tie(a.topic, a.callback) < std::tie(b.topic, b.callback);
    });
    return records;
  }

  absl::Status Put(const WebSubRecord& record) override {
    for (absl::string_view value : {record.topic, record.callback}) {
      if (absl::StrContains(value, '\r') || absl::StrContains(value, '\n')) {
        return absl::InvalidArgumentError(
            absl::StrCat("a WebSub topic or callback with a line break: ",
                         absl::CEscape(value)));
      }
    }
    LogAppend append;
    append.subject = absl::StrCat(kSubscriptionSubject, Hash(record));
    append.headers = {{kTopicHeader, record.topic},
                      {kCallbackHeader, record.callback},
                      {kSecretHeader, absl::BytesToHexString(record.secret)},
                      {kLeaseEndHeader, absl::StrCat(absl::ToUnixMicros(record.lease_end))},
                      {kCreatedHeader, absl::StrCat(absl::ToUnixMicros(record.created))},
                      {kCursorHeader, absl::StrCat(record.cursor)}};
    return log_->Append(append).status();
  }

  absl::Status SetCursor(absl::string_view topic, absl::string_view callback,
                         uint64_t cursor) override {
    // The stream keeps only the last cursor stored: never one behind what
    // another replica stored already.
    if (absl::Status s = CatchUp(); !s.ok()) return s;
    const std::string hash = SubscriptionHash(topic, callback);
    {
      absl::MutexLock lock(&mu_);
      if (auto it = cursors_.find(hash); it != cursors_.end())
        cursor = std::max(cursor, it->second);
    }
    LogAppend append;
    append.subject = absl::StrCat(kCursorSubject, hash);
    append.headers = {{kCursorHeader, absl::StrCat(cursor)}};
    return log_->Append(append).status();
  }

  absl::Status Remove(absl::string_view topic, absl::string_view callback) override {
    LogAppend append;
    append.subject = absl::StrCat(kSubscriptionSubject, SubscriptionHash(topic, callback));
    append.headers = {{kTopicHeader, std::string(topic)},
                      {kCallbackHeader, std::string(callback)},
                      {kRemovedHeader, "1"}};
    return log_->Append(append).status();
  }

  bool Delivers(const WebSubRecord& record) const override {
    absl::MutexLock lock(&mu_);
    return !cut_off_ && Deliverer(live_, Hash(record)) == replica_;
  }

  void Watch(absl::AnyInvocable<void()> changed) override {
    absl::MutexLock lock(&watch_mu_);
    watcher_ = std::move(changed);
  }

  void StopWatching() override {
    absl::MutexLock lock(&watch_mu_);
    watcher_ = nullptr;
  }

 private:
  struct Heard {
    absl::Time time;  // The stream's time of the replica's last heartbeat.
    bool left = false;
  };

  static std::string Hash(const WebSubRecord& record) {
    return SubscriptionHash(record.topic, record.callback);
  }

  LogAppend Heartbeat() const {
    LogAppend beat;
    beat.subject = absl::StrCat(kReplicaSubject, replica_);
    beat.headers = {{kReplicaHeader, "live"}};
    return beat;
  }

  void Fold(const LogMessage& message) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    read_to_ = message.sequence;
    absl::string_view name = message.subject;
    if (absl::ConsumePrefix(&name, kSubscriptionSubject)) {
      FoldSubscription(std::string(name), message);
    } else if (absl::ConsumePrefix(&name, kCursorSubject)) {
      const std::string hash(name);
      uint64_t& cursor = cursors_[hash];
      cursor = std::max(cursor, static_cast<uint64_t>(HeaderNumber(message, kCursorHeader)));
      if (auto it = records_.find(hash); it != records_.end()) it->second.cursor = cursor;
    } else if (absl::ConsumePrefix(&name, kReplicaSubject)) {
      FoldHeartbeat(std::string(name), message);
    } else {
      LogEvent(LogLevel::kWarning, "websub.message_skipped",
               {{"stream", kWebSubStream}, {"subject", message.subject}});
    }
  }

  void FoldSubscription(const std::string& hash, const LogMessage& message) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    seen_.insert(hash);
    changed_ = true;
    if (message.Header(kRemovedHeader) == "1") {
      records_.erase(hash);
      return;
    }
    WebSubRecord record;
    record.topic = message.Header(kTopicHeader);
    record.callback = message.Header(kCallbackHeader);
    record.secret = absl::HexStringToBytes(message.Header(kSecretHeader));
    record.lease_end = absl::FromUnixMicros(HeaderNumber(message, kLeaseEndHeader));
    record.created = absl::FromUnixMicros(HeaderNumber(message, kCreatedHeader));
    uint64_t& cursor = cursors_[hash];
    cursor = std::max(cursor, static_cast<uint64_t>(HeaderNumber(message, kCursorHeader)));
    record.cursor = cursor;
    records_[hash] = std::move(record);
  }

  void FoldHeartbeat(const std::string& replica, const LogMessage& message) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    heard_[replica] = Heard{message.time, message.Header(kReplicaHeader) == kLeft};
    newest_heartbeat_ = std::max(newest_heartbeat_, message.time);
    std::vector<std::string> live;
    for (const auto& [id, heard] : heard_) {
      if (!heard.left && heard.time >= newest_heartbeat_ - options_.dead_after)
        live.push_back(id);
    }
    std::sort(live.begin(), live.end());
    if (live != live_) {
      LogEvent(LogLevel::kInfo, "websub.replicas",
               {{"live", live.size()}, {"this", replica_}, {"changed_by", replica}});
      live_ = std::move(live);
      changed_ = true;
    }
  }

  void FollowLoop() {
    LogFollower follower(*log_, "websub.follow_failed");
    while (!stop_.HasBeenNotified()) {
      uint64_t after;
      {
        absl::MutexLock lock(&mu_);
        after = read_to_;
      }
      std::vector<LogMessage> batch = follower.Next(after, kFollowWait);
      bool tell;
      {
        absl::MutexLock lock(&mu_);
        for (const LogMessage& message : batch) {
          if (message.sequence > read_to_) Fold(message);
        }
        tell = std::exchange(changed_, false);
      }
      if (!tell) continue;
      absl::MutexLock lock(&watch_mu_);
      if (watcher_ != nullptr) watcher_();
    }
  }

  const std::unique_ptr<JetStreamLog> log_;
  const SharedWebSubOptions options_;
  const std::string replica_;  // This replica's id in the stream.

  // What has been read of the stream: reading it (even in Load) fills it.
  mutable absl::Mutex mu_;
  mutable uint64_t read_to_ ABSL_GUARDED_BY(mu_) = 0;
  // Subscriptions and cursors by subscription hash; every hash the stream
  // held a subscription for, removed ones too.
  mutable absl::flat_hash_map<std::string, WebSubRecord> records_ ABSL_GUARDED_BY(mu_);
  mutable absl::flat_hash_map<std::string, uint64_t> cursors_ ABSL_GUARDED_BY(mu_);
  mutable absl::flat_hash_set<std::string> seen_ ABSL_GUARDED_BY(mu_);
  // Every replica's last heartbeat; the live ones, sorted.
  mutable absl::flat_hash_map<std::string, Heard> heard_ ABSL_GUARDED_BY(mu_);
  mutable absl::Time newest_heartbeat_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  mutable std::vector<std::string> live_ ABSL_GUARDED_BY(mu_);
  // What the watcher has not been told of yet.
  mutable bool changed_ ABSL_GUARDED_BY(mu_) = false;
  // When this replica's heartbeat was last stored (its own clock), and
  // whether that is too long ago to deliver.
  absl::Time last_beat_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  bool cut_off_ ABSL_GUARDED_BY(mu_) = false;

  // Held while the watcher runs.
  absl::Mutex watch_mu_ ABSL_ACQUIRED_AFTER(mu_);
  absl::AnyInvocable<void()> watcher_ ABSL_GUARDED_BY(watch_mu_);

  absl::Notification stop_;
  std::thread beater_;
  std::thread follower_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<WebSubStore>> OpenSharedWebSubStore(
    const JetStreamOptions& log, WebSubStore& local, const SharedWebSubOptions& options) {
  absl::StatusOr<std::unique_ptr<JetStreamLog>> opened =
      JetStreamLog::Open(StreamBeside(log, kWebSubStream, kWebSubSubjects, 1));
  if (!opened.ok()) return opened.status();
  auto store = std::make_unique<SharedWebSubStore>(*std::move(opened), options);
  if (absl::Status s = store->Beat(std::nullopt); !s.ok()) return s;
  if (absl::Status s = store->CatchUp(); !s.ok()) return s;
  absl::StatusOr<std::vector<WebSubRecord>> mine = local.Load();
  if (!mine.ok()) return mine.status();
  for (const WebSubRecord& record : *mine) {
    if (store->Knows(record)) continue;
    if (absl::Status s = store->Put(record); !s.ok()) return s;
  }
  // What was added is read back with the rest: by the follower, or by Load.
  store->Start();
  return store;
}

}  // namespace newswire
