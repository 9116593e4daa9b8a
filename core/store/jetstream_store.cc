#include "core/store/jetstream_store.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/base/event_log.h"
#include "core/base/quote_input.h"
#include "core/store/jetstream_subject.h"

namespace newswire {
namespace {

// Messages applied per commit, at most, and how long the apply waits to
// fill a batch.
constexpr size_t kApplyBatch = 500;
constexpr absl::Duration kApplyWait = absl::Milliseconds(50);
// Results kept for waiting publishes.
constexpr size_t kKeptResults = 1 << 16;
// Room kept in a log message for its headers (id, message id and
// JetStream's own).
constexpr int64_t kHeaderBytes = 2048;
// How often an idle apply asks the log where its head is.
constexpr absl::Duration kHeadRefresh = absl::Milliseconds(250);
// How long a publish waits for this replica to apply its message.
constexpr absl::Duration kApplyTimeout = absl::Seconds(30);

// The part of a message id that tells content apart: what makes the same
// id and version a duplicate rather than a conflict (Store::Append).
std::string ContentKey(const Article& article) {
  return absl::StrCat(article.fingerprint(), ".", static_cast<int>(article.pub_status()));
}

// The log entry of `message`, or nullopt when it stores nothing.
absl::StatusOr<std::optional<SqliteStore::LogEntry>> ToLogEntry(const LogMessage& message) {
  const bool release = absl::StartsWith(message.subject, absl::StrCat(kSubjectRoot, ".r."));
  if (!release && !absl::StartsWith(message.subject, absl::StrCat(kSubjectRoot, ".a."))) {
    return std::optional<SqliteStore::LogEntry>();  // Not newswire's: skipped.
  }
  Article article;
  if (!article.ParseFromString(message.data)) {
    return absl::DataLossError(
        absl::StrCat("log message ", message.sequence, " is not a serialized Article"));
  }
  const std::string expected = release ? ReleaseSubject(article.id(), article.version())
                                       : ArticleSubject(article.id(), article.version());
  if (message.subject != expected) {
    return absl::DataLossError(absl::StrCat("log message ", message.sequence, " on ",
                                            message.subject, " holds another article"));
  }
  return std::optional<SqliteStore::LogEntry>(SqliteStore::LogEntry{
      .article = std::move(article),
      .now = message.time,
      .releasing = release,
      .log_position = message.sequence});
}

}  // namespace

absl::StatusOr<std::unique_ptr<JetStreamStore>> JetStreamStore::Open(
    std::unique_ptr<SqliteStore> local, const JetStreamOptions& log_options) {
  absl::StatusOr<std::unique_ptr<JetStreamLog>> log = JetStreamLog::Open(log_options);
  if (!log.ok()) return log.status();
  absl::StatusOr<uint64_t> applied = local->AppliedLogPosition();
  if (!applied.ok()) return applied.status();
  absl::StatusOr<JetStreamLog::Bounds> bounds = (*log)->GetBounds();
  if (!bounds.ok()) return bounds.status();
  if (*applied > bounds->last) {
    return absl::FailedPreconditionError(absl::StrCat(
        "this archive applied the log up to ", *applied, " but stream ", log_options.stream,
        " ends at ", bounds->last,
        ": the stream went backwards (another or a recreated stream); start this replica "
        "from an empty data dir"));
  }
  if (bounds->last > 0 && bounds->first > *applied + 1) {
    return absl::FailedPreconditionError(
        absl::StrCat("this archive applied the log up to ", *applied, " but stream ",
                     log_options.stream, " starts at ", bounds->first,
                     ": it no longer holds what this replica needs"));
  }
  return std::unique_ptr<JetStreamStore>(
      new JetStreamStore(std::move(local), *std::move(log), *applied, bounds->last));
}

JetStreamStore::JetStreamStore(std::unique_ptr<SqliteStore> local,
                               std::unique_ptr<JetStreamLog> log, uint64_t applied,
                               uint64_t head)
    : local_(std::move(local)),
      log_(std::move(log)),
      applied_(applied),
      head_(head),
      head_seen_at_(absl::Now()) {}

JetStreamStore::~JetStreamStore() { Stop(); }

void JetStreamStore::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (apply_thread_.joinable()) apply_thread_.join();
}

void JetStreamStore::Start(EventSink sink, std::function<void()> on_hold) {
  sink_ = std::move(sink);
  on_hold_ = std::move(on_hold);
  apply_thread_ = std::thread([this] { ApplyLoop(); });
}

uint64_t JetStreamStore::AppliedPosition() const {
  absl::MutexLock lock(&mu_);
  return applied_;
}

std::optional<LogProgress> JetStreamStore::Progress() const {
  absl::MutexLock lock(&mu_);
  return LogProgress{applied_, std::max(head_, applied_), head_seen_at_};
}

void JetStreamStore::SawHead(uint64_t head) {
  absl::MutexLock lock(&mu_);
  head_ = std::max(head_, head);
  head_seen_at_ = absl::Now();
}

bool JetStreamStore::AwaitApplied(uint64_t position, absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  auto reached = [this, position]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return applied_ >= position || stopping_;
  };
  mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
  return applied_ >= position;
}

void JetStreamStore::ApplyLoop() {
  auto stopping = [this] {
    absl::MutexLock lock(&mu_);
    return stopping_;
  };
  std::unique_ptr<LogReader> reader;
  absl::Time last_asked = absl::InfinitePast();
  while (!stopping()) {
    if (reader == nullptr) {
      absl::StatusOr<std::unique_ptr<LogReader>> opened = log_->ReadFrom(AppliedPosition() + 1);
      if (!opened.ok()) {
        SetApplyStatus(opened.status());
        absl::SleepFor(absl::Milliseconds(250));
        continue;
      }
      reader = *std::move(opened);
    }
    absl::StatusOr<std::vector<LogMessage>> batch = reader->Next(kApplyBatch, kApplyWait);
    if (batch.ok() && !batch->empty()) {
      SawHead(batch->back().sequence + batch->back().pending);
    } else if (batch.ok() && absl::Now() - last_asked >= kHeadRefresh) {
      // Idle: nothing arrives when the log has nothing new, or when this
      // replica lost it. Ask, briefly: an election's wait is not the apply's.
      last_asked = absl::Now();
      absl::StatusOr<JetStreamLog::Bounds> bounds = log_->GetBounds(kHeadRefresh);
      if (bounds.ok()) SawHead(bounds->last);
    }
    absl::Status applied = batch.ok() ? ApplyBatch(*batch) : batch.status();
    if (!applied.ok()) reader.reset();  // Read again from what is applied.
    SetApplyStatus(std::move(applied));
  }
}

void JetStreamStore::SetApplyStatus(absl::Status status) {
  bool changed;
  {
    absl::MutexLock lock(&mu_);
    changed = status != apply_status_;
    apply_status_ = status;
  }
  // The log says when the apply stops and starts again, not each retry.
  if (!changed) return;
  const uint64_t applied = AppliedPosition();
  if (status.ok()) {
    LogEvent(LogLevel::kInfo, "log.applying", {{"applied", applied}});
  } else {
    LogEvent(LogLevel::kError, "log.apply_stopped",
             {{"code", status}, {"applied", applied}, {"reason", status.message()}});
  }
}

absl::Status JetStreamStore::ApplyBatch(const std::vector<LogMessage>& messages) {
  if (messages.empty()) return absl::OkStatus();
  const uint64_t applied = AppliedPosition();
  std::vector<SqliteStore::LogEntry> entries;
  std::vector<uint64_t> positions;
  std::vector<absl::Status> unreadable;  // Per entry: why it stores nothing.
  for (const LogMessage& message : messages) {
    if (message.sequence <= applied) continue;  // Applied before a restart.
    absl::StatusOr<std::optional<SqliteStore::LogEntry>> entry = ToLogEntry(message);
    if (entry.ok() && entry->has_value()) {
      entries.push_back(**std::move(entry));
      unreadable.push_back(absl::OkStatus());
    } else {
      // Stores nothing, but the position moves past it.
      entries.push_back(SqliteStore::LogEntry{.article = std::nullopt,
                                              .now = message.time,
                                              .releasing = false,
                                              .log_position = message.sequence});
      unreadable.push_back(entry.ok() ? absl::OkStatus() : entry.status());
      if (!entry.ok()) {
        LogEvent(LogLevel::kWarning, "log.entry_skipped",
                 {{"position", message.sequence}, {"reason", entry.status().message()}});
      }
    }
    positions.push_back(message.sequence);
  }
  if (entries.empty()) return absl::OkStatus();
  std::vector<absl::StatusOr<AppendResult>> results = local_->ApplyLog(entries);
  // A failure of the archive (not a refused article) stores nothing of its
  // commit and what follows: what earlier commits stored is handed on, and
  // the apply goes on from the last position committed.
  uint64_t committed = positions.back();
  absl::Status failure;
  for (const absl::StatusOr<AppendResult>& result : results) {
    const absl::StatusCode code = result.status().code();
    if (code != absl::StatusCode::kOk && code != absl::StatusCode::kFailedPrecondition) {
      failure = result.status();
      absl::StatusOr<uint64_t> position = local_->AppliedLogPosition();
      committed = position.ok() ? *position : applied;
      break;
    }
  }
  size_t done = 0;
  for (; done < results.size() && positions[done] <= committed; ++done) {
    absl::StatusOr<AppendResult>& result = results[done];
    if (!unreadable[done].ok()) result = unreadable[done];
    if (!result.ok() || result->duplicate) continue;
    if (result->held) {
      if (on_hold_) on_hold_();
    } else if (result->sequence > 0 && sink_) {
      sink_(result->event);
    }
  }
  absl::MutexLock lock(&mu_);
  for (size_t i = 0; i < done; ++i) {
    results_.insert_or_assign(positions[i], std::move(results[i]));
  }
  while (results_.size() > kKeptResults) results_.erase(results_.begin());
  applied_ = std::max(applied_, committed);
  return failure;
}

absl::StatusOr<AppendResult> JetStreamStore::ResultAt(uint64_t position) {
  if (!AwaitApplied(position, kApplyTimeout)) {
    absl::MutexLock lock(&mu_);
    return absl::UnavailableError(absl::StrCat(
        "the log took the publish (position ", position, ") but this replica has applied only up to ",
        applied_, apply_status_.ok() ? "" : absl::StrCat(": ", apply_status_.message())));
  }
  absl::MutexLock lock(&mu_);
  auto it = results_.find(position);
  if (it == results_.end()) {
    return absl::NotFoundError(
        absl::StrCat("the result of log position ", position, " is no longer kept"));
  }
  return it->second;
}

absl::StatusOr<AppendResult> JetStreamStore::Append(Article article, absl::Time /*now*/) {
  LogAppend append;
  append.subject = ArticleSubject(article.id(), article.version());
  append.headers = {{std::string(kIdHeader), article.id()}};
  append.message_id = PublishMessageId(article.id(), article.version(), ContentKey(article));
  append.expect_empty_subject = true;
  append.data = article.SerializeAsString();
  if (const int64_t max = log_->MaxMessageBytes() - kHeaderBytes;
      static_cast<int64_t>(append.data.size()) > max) {
    return absl::InvalidArgumentError(absl::StrCat(
        "article ", QuoteInput(article.id()), " version ", article.version(), " is ",
        append.data.size(), " bytes serialized; the log's NATS servers take ", max,
        " (raise max_payload in their configuration)"));
  }
  absl::StatusOr<LogAppended> appended = log_->Append(append);
  if (absl::IsFailedPrecondition(appended.status())) return Refusal(article);
  if (!appended.ok()) return appended.status();
  absl::StatusOr<AppendResult> result = ResultAt(appended->sequence);
  if (appended->duplicate && absl::IsNotFound(result.status())) {
    // Applied long ago: the archive says what it became.
    return Refusal(article);
  }
  if (absl::IsNotFound(result.status())) {
    return absl::UnavailableError(absl::StrCat(result.status().message(),
                                               "; the publish is in the log"));
  }
  if (!result.ok() || !appended->duplicate) return result;
  // The message was there already: what it did then is a duplicate now.
  AppendResult duplicate;
  duplicate.sequence = result->sequence;
  duplicate.duplicate = true;
  duplicate.held = result->held;
  return duplicate;
}

absl::StatusOr<AppendResult> JetStreamStore::Refusal(const Article& article) {
  absl::StatusOr<JetStreamLog::Bounds> bounds = log_->GetBounds();
  if (!bounds.ok()) return bounds.status();
  if (!AwaitApplied(bounds->last, kApplyTimeout)) {
    return absl::UnavailableError("this replica is behind the log; try again");
  }
  auto lookup = [this](absl::string_view id,
                       uint32_t version) -> absl::StatusOr<std::optional<StoredArticle>> {
    absl::StatusOr<StoredArticle> stored = local_->GetArticle(id, version);
    if (absl::IsNotFound(stored.status())) return std::optional<StoredArticle>();
    if (!stored.ok()) return stored.status();
    return std::optional<StoredArticle>(*std::move(stored));
  };
  absl::StatusOr<std::optional<StoredArticle>> same_version =
      lookup(article.id(), article.version());
  if (!same_version.ok()) return same_version.status();
  absl::StatusOr<std::optional<StoredArticle>> current = lookup(article.id(), 0);
  if (!current.ok()) return current.status();
  absl::StatusOr<std::optional<Article>> held = local_->GetHeld(article.id());
  if (!held.ok()) return held.status();
  if (held->has_value() && (*held)->version() != article.version()) held->reset();
  absl::StatusOr<AppendPlan> plan =
      PlanAppend(*same_version, *current, *held, article, absl::Now(), false);
  if (!plan.ok()) return plan.status();
  if (plan->duplicate || plan->hold) return NotAppended(*plan);
  return absl::FailedPreconditionError(absl::StrCat(
      "version ", article.version(), " of ", article.id(), " is already in the log"));
}

std::vector<absl::StatusOr<AppendResult>> JetStreamStore::ReleaseDue(absl::Time now) {
  std::vector<absl::StatusOr<AppendResult>> results;
  absl::StatusOr<std::vector<Article>> due = local_->HeldUntil(now);
  if (!due.ok()) {
    results.push_back(due.status());
    return results;
  }
  for (const Article& article : *due) {
    LogAppend append;
    append.subject = ReleaseSubject(article.id(), article.version());
    append.headers = {{std::string(kIdHeader), article.id()}};
    append.message_id = absl::StrCat("release:", append.subject);
    append.expect_empty_subject = true;
    append.data = article.SerializeAsString();
    absl::StatusOr<LogAppended> appended = log_->Append(append);
    if (absl::IsFailedPrecondition(appended.status())) continue;  // Released by another.
    if (!appended.ok()) {
      results.push_back(appended.status());
      continue;
    }
    if (appended->duplicate) continue;
    results.push_back(ResultAt(appended->sequence));
  }
  return results;
}

absl::StatusOr<std::optional<Article>> JetStreamStore::GetHeld(absl::string_view id) const {
  return local_->GetHeld(id);
}
absl::StatusOr<std::optional<absl::Time>> JetStreamStore::NextRelease() const {
  return local_->NextRelease();
}
absl::StatusOr<std::vector<FeedEvent>> JetStreamStore::ReadAfter(uint64_t after,
                                                                 size_t max_events) const {
  return local_->ReadAfter(after, max_events);
}
absl::StatusOr<std::vector<Article>> JetStreamStore::EarlierVersions(absl::string_view id,
                                                                     uint32_t version) const {
  return local_->EarlierVersions(id, version);
}
absl::StatusOr<absl::flat_hash_map<std::string, uint32_t>> JetStreamStore::CurrentVersions(
    const std::vector<std::string>& ids) const {
  return local_->CurrentVersions(ids);
}
absl::StatusOr<uint64_t> JetStreamStore::FirstSequenceSince(absl::Time time) const {
  return local_->FirstSequenceSince(time);
}
uint64_t JetStreamStore::HeadSequence() const { return local_->HeadSequence(); }
uint64_t JetStreamStore::OldestSequence() const { return local_->OldestSequence(); }
absl::StatusOr<uint64_t> JetStreamStore::Compact(const Retention& retention, absl::Time now) {
  absl::StatusOr<uint64_t> own = RetentionCutoff(*local_, retention, now);
  if (!own.ok()) return own.status();
  absl::MutexLock lock(&compact_mu_);
  if (retention_log_ == nullptr) {
    absl::StatusOr<std::unique_ptr<JetStreamLog>> opened = JetStreamLog::Open(
        StreamBeside(log_->options(), kRetentionStream, kRetentionSubjects, 1));
    if (!opened.ok()) return opened.status();
    retention_log_ = *std::move(opened);
  }
  absl::StatusOr<std::optional<LogMessage>> mark = retention_log_->LastOnSubject(kRetentionSubject);
  if (!mark.ok()) return mark.status();
  uint64_t cutoff = 0;
  if (mark->has_value()) (void)absl::SimpleAtoi((*mark)->data, &cutoff);
  if (*own > cutoff) {
    LogAppend raise;
    raise.subject = kRetentionSubject;
    raise.data = absl::StrCat(*own);
    if (absl::StatusOr<LogAppended> raised = retention_log_->Append(raise); !raised.ok())
      return raised.status();
    cutoff = *own;
  }
  return local_->CompactBefore(cutoff);
}
absl::StatusOr<StoredArticle> JetStreamStore::GetArticle(absl::string_view id,
                                                         uint32_t version) const {
  return local_->GetArticle(id, version);
}
absl::StatusOr<std::optional<SameStory>> JetStreamStore::FindSameStory(
    const Article& article, StoryLookup lookup) const {
  return local_->FindSameStory(article, lookup);
}
absl::StatusOr<v1::SearchArticlesResponse> JetStreamStore::Search(
    const v1::SearchArticlesRequest& request) const {
  return local_->Search(request);
}

}  // namespace newswire
