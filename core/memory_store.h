// MemoryStore: a Store that keeps everything in process memory. Fast and
// exact, but nothing survives a restart: for tests, `serve --memory` and
// scripts. The embedded SQLite store is the durable default.
#ifndef NEWSWIRE_CORE_MEMORY_STORE_H_
#define NEWSWIRE_CORE_MEMORY_STORE_H_

#include <deque>
#include <map>
#include <optional>
#include <utility>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/node_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "core/policy/audit_log.h"
#include "core/store.h"
#include "core/story_index.h"

namespace newswire {

// Newest audit entries a MemoryStore keeps.
inline constexpr size_t kMaxMemoryAuditEntries = 100000;

// Also an audit log, of the newest kMaxMemoryAuditEntries entries.
class MemoryStore final : public Store, public AuditLog {
 public:
  MemoryStore() = default;

  absl::StatusOr<AppendResult> Append(Article article,
                                      absl::Time now) override;
  std::vector<absl::StatusOr<AppendResult>> ReleaseDue(absl::Time now) override;
  absl::StatusOr<std::optional<Article>> GetHeld(absl::string_view id) const override;
  absl::StatusOr<std::optional<absl::Time>> NextRelease() const override;
  absl::StatusOr<std::vector<FeedEvent>> ReadAfter(
      uint64_t after, size_t max_events) const override;
  absl::StatusOr<std::vector<Article>> EarlierVersions(absl::string_view id,
                                                       uint32_t version) const override;
  absl::StatusOr<absl::flat_hash_map<std::string, uint32_t>> CurrentVersions(
      const std::vector<std::string>& ids) const override;
  absl::StatusOr<uint64_t> FirstSequenceSince(absl::Time time) const override;
  uint64_t HeadSequence() const override;
  uint64_t OldestSequence() const override;
  absl::StatusOr<uint64_t> Compact(const Retention& retention, absl::Time now) override;
  absl::StatusOr<StoredArticle> GetArticle(absl::string_view id,
                                           uint32_t version) const override;
  absl::StatusOr<std::optional<SameStory>> FindSameStory(
      const Article& article, StoryLookup lookup) const override;
  // Always FAILED_PRECONDITION: search needs the archive's index.
  absl::StatusOr<v1::SearchArticlesResponse> Search(
      const v1::SearchArticlesRequest& request) const override;

  void Record(v1::AuditEntry entry) override;
  absl::StatusOr<std::vector<v1::AuditEntry>> ReadAudit(absl::Time since, uint64_t after_id,
                                                        size_t limit) override;

 private:
  // An event of the log; its article is in versions_.
  struct EventRecord {
    v1::EventKind kind;
    absl::Time published_at;
    const Article* article;  // Into versions_: nodes are stable, never erased.
  };
  using Versions = std::map<uint32_t, StoredArticle>;

  // An article held until its embargo ends.
  struct Held {
    absl::Time release;
    Article article;
  };

  absl::StatusOr<AppendResult> AppendLocked(Article article, absl::Time now,
                                            bool releasing) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  // events_[i] has sequence oldest_ + i.
  std::deque<EventRecord> events_ ABSL_GUARDED_BY(mu_);
  uint64_t oldest_ ABSL_GUARDED_BY(mu_) = 1;
  // Every version of every article, by id.
  absl::node_hash_map<std::string, Versions> versions_ ABSL_GUARDED_BY(mu_);
  // Held articles by id and version.
  std::map<std::pair<std::string, uint32_t>, Held> held_ ABSL_GUARDED_BY(mu_);
  // The current version of every article, for FindSameStory.
  StoryIndex stories_ ABSL_GUARDED_BY(mu_);

  mutable absl::Mutex audit_mu_;
  std::deque<v1::AuditEntry> audit_ ABSL_GUARDED_BY(audit_mu_);
  uint64_t audit_next_id_ ABSL_GUARDED_BY(audit_mu_) = 1;
};

}  // namespace newswire

#endif  // NEWSWIRE_CORE_MEMORY_STORE_H_
