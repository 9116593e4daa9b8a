#include "core/store/jetstream_audit.h"

#include <unistd.h>

#include <algorithm>
#include <deque>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "core/base/event_log.h"
#include "core/model/article.h"
#include "newswire/v1/access.pb.h"

namespace newswire {
namespace {

constexpr char kAuditSubject[] = "nwa.entries";
// Entries sent in one message, at most: a replica's entries go out in
// batches (a ReadAuditResponse), so that one round trip to the servers
// carries what queued meanwhile, and the audit keeps up with publishes.
// An entry's id is its message's stream sequence × kIdsPerMessage + its
// place in the message, from 1: increasing, and the same through every
// replica.
constexpr size_t kEntriesPerMessage = 500;
// And bytes per message, well under the servers' max_payload (1 MB unless
// configured), headers and all.
constexpr size_t kMessageBytes = 256 * 1024;
constexpr size_t kEntryOverhead = 8;  // Its tag and length in the message.
constexpr uint64_t kIdsPerMessage = 1000;
// How long the sender waits for an entry before looking at whether it
// should stop.
constexpr absl::Duration kSendWait = absl::Milliseconds(250);
// How long one append retries while no leader answers (then the sender
// tries it again, unless it is stopping).
constexpr absl::Duration kAppendRetry = absl::Seconds(5);

// Where the operator can still read a replica's own entries.
constexpr absl::string_view kLocalHint =
    "`newswire audit --data DIR` reads the entries this replica recorded";

class SharedAuditLog final : public AuditLog {
 public:
  SharedAuditLog(std::unique_ptr<JetStreamLog> log, AuditLog& local,
                 absl::Duration read_wait)
      : log_(std::move(log)),
        local_(local),
        read_wait_(read_wait),
        // Unique to this process: message ids must not collide with another
        // replica's, or with this replica's before a restart.
        id_prefix_(absl::StrCat(absl::ToUnixNanos(absl::Now()), ".", getpid(), ".")),
        sender_([this] { SendLoop(); }) {}

  ~SharedAuditLog() override {
    {
      absl::MutexLock lock(&mu_);
      stopping_ = true;
    }
    sender_.join();
  }

  void Record(v1::AuditEntry entry) override {
    local_.Record(entry);
    absl::MutexLock lock(&mu_);
    if (queue_.size() >= kMaxQueuedAuditEntries) {
      ++dropped_;
      if (dropped_ == 1 || dropped_ % 1000 == 0) {
        SayNotShared("the audit stream is not keeping up; the entry is in the replica's "
                     "archive only");
      }
      return;
    }
    if (entry.ByteSizeLong() + kEntryOverhead > kMessageBytes) {
      entry.set_reason(CutAtWord(entry.reason(), kMessageBytes / 2));
    }
    queue_.push_back(std::move(entry));
    ++recorded_;
  }

  absl::StatusOr<std::vector<v1::AuditEntry>> ReadAudit(absl::Time since,
                                                        uint64_t after_id,
                                                        size_t limit) override {
    if (absl::Status s = AwaitSent(); !s.ok()) return s;
    limit = std::min(limit, kMaxAuditRead);
    std::vector<v1::AuditEntry> entries;
    absl::StatusOr<JetStreamLog::Bounds> bounds = log_->GetBounds();
    if (!bounds.ok()) return Unreachable(bounds.status());
    if (limit == 0) return entries;
    // Messages before the one holding `after_id` hold nothing later.
    absl::Status read = log_->ReadThrough(
        std::max(after_id / kIdsPerMessage, bounds->first), bounds->last,
        [&](const LogMessage& message) {
          v1::ReadAuditResponse sent;
          if (!sent.ParseFromString(message.data)) {
            LogEvent(LogLevel::kWarning, "audit.entry_skipped",
                     {{"stream", kAuditStream}, {"sequence", message.sequence}});
            return true;
          }
          for (int i = 0; i < sent.entries_size() && entries.size() < limit; ++i) {
            v1::AuditEntry& entry = *sent.mutable_entries(i);
            entry.set_id(message.sequence * kIdsPerMessage + static_cast<uint64_t>(i) + 1);
            if (entry.id() <= after_id) continue;
            if (entry.has_time() && FromProtoTime(entry.time()) < since) continue;
            entries.push_back(std::move(entry));
          }
          return entries.size() < limit;
        });
    if (!read.ok()) return Unreachable(read);
    return entries;
  }

 private:
  static absl::Status Unreachable(const absl::Status& why) {
    return absl::UnavailableError(absl::StrCat("reading the cluster's audit log (",
                                               kAuditStream, "): ", why.message(), "; ",
                                               kLocalHint));
  }

  // Waits until every entry recorded so far is in the stream (or was given
  // up on because the queue was full).
  absl::Status AwaitSent() {
    absl::MutexLock lock(&mu_);
    const uint64_t target = recorded_;
    auto sent = [this, target]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      return sent_ >= target || stopping_;
    };
    if (!mu_.AwaitWithTimeout(absl::Condition(&sent), read_wait_) || sent_ < target) {
      return absl::UnavailableError(absl::StrCat(
          "the cluster's audit log (", kAuditStream,
          ") did not take this replica's last ", target - sent_, " entries in time",
          last_error_.ok() ? "" : absl::StrCat(" (", last_error_.message(), ")"), "; ",
          kLocalHint));
    }
    return absl::OkStatus();
  }

  void SendLoop() {
    while (true) {
      v1::ReadAuditResponse batch;
      uint64_t first;
      {
        absl::MutexLock lock(&mu_);
        auto ready = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
          return !queue_.empty() || stopping_;
        };
        mu_.AwaitWithTimeout(absl::Condition(&ready), kSendWait);
        if (stopping_) return;
        if (queue_.empty()) continue;
        // After a failed append (which may have been stored all the same),
        // the same entries again, under the same message id.
        const size_t n = unanswered_ > 0 ? unanswered_ : BatchSize();
        for (size_t i = 0; i < n; ++i) *batch.add_entries() = queue_[i];
        first = sent_ + 1;
      }
      LogAppend append;
      append.subject = kAuditSubject;
      append.data = batch.SerializeAsString();
      append.message_id = absl::StrCat(id_prefix_, first, "+", batch.entries_size());
      absl::StatusOr<LogAppended> appended = log_->Append(append);
      absl::MutexLock lock(&mu_);
      if (!appended.ok() && IsRetryable(appended.status())) {
        if (last_error_.ok()) {
          LogEvent(LogLevel::kWarning, "audit.append_failed",
                   {{"stream", kAuditStream}, {"reason", appended.status().message()}});
        }
        last_error_ = appended.status();
        unanswered_ = static_cast<size_t>(batch.entries_size());
        continue;
      }
      if (!appended.ok()) {
        // Sending it again would fail again: these stay in the archive only.
        dropped_ += static_cast<uint64_t>(batch.entries_size());
        SayNotShared(appended.status().message());
      }
      last_error_ = absl::OkStatus();
      unanswered_ = 0;
      queue_.erase(queue_.begin(), queue_.begin() + batch.entries_size());
      sent_ += static_cast<uint64_t>(batch.entries_size());
    }
  }

  // How many of the queue's first entries one message takes: at most
  // kEntriesPerMessage and kMessageBytes (at least one; an entry larger
  // than that on its own has its reason cut when queued).
  size_t BatchSize() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    size_t n = 0;
    size_t bytes = 0;
    while (n < queue_.size() && n < kEntriesPerMessage) {
      bytes += queue_[n].ByteSizeLong() + kEntryOverhead;
      if (n > 0 && bytes > kMessageBytes) break;
      ++n;
    }
    return n;
  }

  // Tells the event log how many entries stay in the archive only, and why.
  void SayNotShared(absl::string_view reason) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    LogEvent(LogLevel::kError, "audit.not_shared",
             {{"stream", kAuditStream}, {"dropped", dropped_}, {"reason", reason}});
  }

  static bool IsRetryable(const absl::Status& status) {
    return absl::IsUnavailable(status) || absl::IsDeadlineExceeded(status);
  }

  const std::unique_ptr<JetStreamLog> log_;
  AuditLog& local_;
  // How long a read waits for this replica's entries to be sent.
  const absl::Duration read_wait_;
  const std::string id_prefix_;
  absl::Mutex mu_;
  std::deque<v1::AuditEntry> queue_ ABSL_GUARDED_BY(mu_);
  // Entries queued so far, and of them appended to the stream, in order.
  uint64_t recorded_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t sent_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t dropped_ ABSL_GUARDED_BY(mu_) = 0;
  // Entries of an append that failed, to be sent again as they were.
  size_t unanswered_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status last_error_ ABSL_GUARDED_BY(mu_);
  std::thread sender_;  // Last: starts once the rest is made.
};

}  // namespace

absl::StatusOr<std::unique_ptr<AuditLog>> OpenSharedAuditLog(const JetStreamOptions& log,
                                                             AuditLog& local) {
  JetStreamOptions options = StreamBeside(log, kAuditStream, kAuditSubjects);
  // The sender tries each append again until it is stored, so a shorter
  // retry per request only bounds how long stopping can wait for one.
  options.retry_timeout = std::min(log.retry_timeout, kAppendRetry);
  absl::StatusOr<std::unique_ptr<JetStreamLog>> opened = JetStreamLog::Open(options);
  if (!opened.ok()) return opened.status();
  return std::make_unique<SharedAuditLog>(*std::move(opened), local, log.retry_timeout);
}

}  // namespace newswire
