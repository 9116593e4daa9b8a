// JetStreamStore: a newswire replica on the JetStream log (jetstream_log.h).
//
// Every replica applies the same log, in log order, to an archive of its
// own (a SqliteStore, with its search index): each article message as
// Append would, each release message as ReleaseDue would, at the time the
// log stored the message. The apply is deterministic, so every replica
// gives every event the same sequence: a subscriber's cursor is valid on
// any replica. (The feed's sequences count events; log positions also
// count held articles, releases and refused publishes, so the two differ,
// the same way everywhere. Each commit of the archive records the log
// position it applied, so a restarted replica goes on from there.)
//
// A publish goes to the log first: the message of an article version is
// stored once (its subject holds one message), so of racing publishes of
// one version exactly one wins on every replica; a retried publish is
// recognized by its message id. The replica that took the publish answers
// once its own apply reached the message, with what the apply decided.
//
// Reads are the local archive's. Thread-safe.
#ifndef NEWSWIRE_CORE_STORE_JETSTREAM_STORE_H_
#define NEWSWIRE_CORE_STORE_JETSTREAM_STORE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "core/store/jetstream_log.h"
#include "core/store/sqlite_store.h"
#include "core/store/store.h"

namespace newswire {

// Where the cluster's retention cutoff is kept: the newest message of
// kRetentionSubject, which holds the first sequence kept, in decimal.
inline constexpr char kRetentionStream[] = "NEWSWIRE_RETENTION";
inline constexpr char kRetentionSubjects[] = "nwr.>";
inline constexpr char kRetentionSubject[] = "nwr.cutoff";

class JetStreamStore final : public Store {
 public:
  // Receives each event the apply stored, in sequence order, on the apply
  // thread (a server's hub).
  using EventSink = std::function<void(const FeedEvent&)>;

  // Connects `local` (this replica's archive) to the log. Refuses
  // (FAILED_PRECONDITION) an archive that applied past the log's end (the
  // stream went backwards: another stream, or one recreated) or that needs
  // messages the stream no longer holds. Start must follow.
  static absl::StatusOr<std::unique_ptr<JetStreamStore>> Open(std::unique_ptr<SqliteStore> local,
                                                              const JetStreamOptions& log);
  ~JetStreamStore() override;

  // Starts applying the log from where the archive left off, handing each
  // new event to `sink` and calling `on_hold` after each article it held
  // until its embargo ends (whichever replica took it: this replica's
  // embargo clock must look again). Either may be empty. Call once, before
  // Append.
  void Start(EventSink sink, std::function<void()> on_hold = nullptr);

  // Stops applying (waits for the batch being applied): nothing more
  // reaches the sink, and publishes still waiting for their apply fail
  // with UNAVAILABLE. Idempotent; the destructor stops too.
  void Stop();

  // The log position the archive has applied.
  uint64_t AppliedPosition() const;
  // The applied position against the log's head: as each batch arrives (a
  // message tells how many follow it), and every kHeadRefresh while idle.
  std::optional<LogProgress> Progress() const override;
  // Waits until the archive applied the log up to `position`; false if
  // that did not happen within `timeout` or the apply stopped.
  bool AwaitApplied(uint64_t position, absl::Duration timeout) const;

  // Publishes through the log. `now` is not used: the log's time decides,
  // the same on every replica.
  absl::StatusOr<AppendResult> Append(Article article, absl::Time now) override;
  // Publishes the release of each held article whose embargo ended by
  // `now`; a release another replica published first is not among the
  // results (it is applied all the same).
  std::vector<absl::StatusOr<AppendResult>> ReleaseDue(absl::Time now) override;

  absl::StatusOr<std::optional<Article>> GetHeld(absl::string_view id) const override;
  absl::StatusOr<std::optional<absl::Time>> NextRelease() const override;
  absl::StatusOr<std::vector<FeedEvent>> ReadAfter(uint64_t after,
                                                   size_t max_events) const override;
  absl::StatusOr<std::vector<Article>> EarlierVersions(absl::string_view id,
                                                       uint32_t version) const override;
  absl::StatusOr<absl::flat_hash_map<std::string, uint32_t>> CurrentVersions(
      const std::vector<std::string>& ids) const override;
  absl::StatusOr<uint64_t> FirstSequenceSince(absl::Time time) const override;
  uint64_t HeadSequence() const override;
  uint64_t OldestSequence() const override;
  // Compacts to the cluster's cutoff: the furthest any replica's retention
  // asked for, kept in a JetStream stream of its own (kRetentionStream),
  // raised first to what `retention` cuts here. A replica without
  // retention of its own (zero fields) follows the others'. Replicas agree
  // once each ran Compact after the last raise (a server runs it every
  // compact_interval); two raises at once may leave the lower one, until
  // the other replica's next run raises it again.
  absl::StatusOr<uint64_t> Compact(const Retention& retention, absl::Time now) override;
  absl::StatusOr<StoredArticle> GetArticle(absl::string_view id,
                                           uint32_t version) const override;
  absl::StatusOr<std::optional<SameStory>> FindSameStory(const Article& article,
                                                         StoryLookup lookup) const override;
  absl::StatusOr<v1::SearchArticlesResponse> Search(
      const v1::SearchArticlesRequest& request) const override;

  SqliteStore& local() { return *local_; }

 private:
  JetStreamStore(std::unique_ptr<SqliteStore> local, std::unique_ptr<JetStreamLog> log,
                 uint64_t applied, uint64_t head);
  // Records that the log held `head` positions just now.
  void SawHead(uint64_t head);

  // The apply thread: reads the log from the applied position on, applies
  // batches (up to kApplyBatch messages, or what came within 50 ms).
  void ApplyLoop();
  // Keeps the apply's status (what Progress waits report), logging when
  // the apply stops or starts again.
  void SetApplyStatus(absl::Status status);
  // Applies one batch of messages read from the log.
  absl::Status ApplyBatch(const std::vector<LogMessage>& messages);
  // What applying the message at `position` did, once applied; NOT_FOUND
  // when that result is no longer kept.
  absl::StatusOr<AppendResult> ResultAt(uint64_t position);
  // What Append on the archive would say of `article` once the archive
  // has applied the whole log: why the log refused it, or that it is a
  // duplicate.
  absl::StatusOr<AppendResult> Refusal(const Article& article);

  const std::unique_ptr<SqliteStore> local_;
  const std::unique_ptr<JetStreamLog> log_;
  // The retention stream, opened by the first Compact.
  absl::Mutex compact_mu_;
  std::unique_ptr<JetStreamLog> retention_log_ ABSL_GUARDED_BY(compact_mu_);
  EventSink sink_;
  std::function<void()> on_hold_;

  mutable absl::Mutex mu_;
  uint64_t applied_ ABSL_GUARDED_BY(mu_);
  // The log's last position as last seen, and when.
  uint64_t head_ ABSL_GUARDED_BY(mu_);
  absl::Time head_seen_at_ ABSL_GUARDED_BY(mu_);
  // The apply's result of recent log positions, for the publishes waiting
  // on them (the oldest are dropped past kKeptResults).
  std::map<uint64_t, absl::StatusOr<AppendResult>> results_ ABSL_GUARDED_BY(mu_);
  // Why the apply stopped (it retries); OK while it runs.
  absl::Status apply_status_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread apply_thread_;
};

}  // namespace newswire

#endif  // NEWSWIRE_CORE_STORE_JETSTREAM_STORE_H_
