#include "core/memory_store.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace newswire {

absl::StatusOr<AppendResult> MemoryStore::Append(Article article, absl::Time now) {
  absl::MutexLock lock(&mu_);
  return AppendLocked(std::move(article), now, /*releasing=*/false);
}

absl::StatusOr<AppendResult> MemoryStore::AppendLocked(Article article, absl::Time now,
                                                       bool releasing) {
  std::optional<StoredArticle> same_version, current;
  std::optional<Article> held;
  // An id gets its entry only once a version of it is appended, so an entry
  // always holds at least one version.
  if (auto found = versions_.find(article.id()); found != versions_.end()) {
    const Versions& versions = found->second;
    current = versions.rbegin()->second;
    if (auto v = versions.find(article.version()); v != versions.end()) {
      same_version = v->second;
    }
  }
  const auto held_key = std::make_pair(article.id(), article.version());
  if (auto h = held_.find(held_key); h != held_.end()) held = h->second.article;
  absl::StatusOr<AppendPlan> plan =
      PlanAppend(same_version, current, held, article, now, releasing);
  if (!plan.ok()) return plan.status();
  if (plan->hold && !plan->duplicate) {
    held_[held_key] = Held{.release = EmbargoEnd(article), .article = article};
  }
  if (plan->duplicate || plan->hold) return NotAppended(*plan);

  AppendResult result;
  result.sequence = oldest_ + events_.size();
  const std::string id = article.id();
  const uint32_t version = article.version();
  result.event = NewEvent(*plan, std::move(article), current, result.sequence, now);
  const Article& stored = result.event.article();
  StoredArticle& kept = versions_[id][version];
  kept = StoredArticle{.article = stored, .sequence = result.sequence};
  stories_.Update(stored, result.sequence);
  events_.push_back(EventRecord{plan->kind, now, &kept.article});
  return result;
}

std::vector<absl::StatusOr<AppendResult>> MemoryStore::ReleaseDue(absl::Time now) {
  absl::MutexLock lock(&mu_);
  std::vector<Held> due;
  for (auto it = held_.begin(); it != held_.end();) {
    if (it->second.release <= now) {
      due.push_back(std::move(it->second));
      it = held_.erase(it);
    } else {
      ++it;
    }
  }
  std::stable_sort(due.begin(), due.end(),
                   [](const Held& a, const Held& b) { return a.release < b.release; });
  std::vector<absl::StatusOr<AppendResult>> results;
  for (Held& h : due) {
    results.push_back(AppendLocked(std::move(h.article), now, /*releasing=*/true));
  }
  return results;
}

absl::StatusOr<std::optional<Article>> MemoryStore::GetHeld(absl::string_view id) const {
  absl::ReaderMutexLock lock(&mu_);
  // Held entries are ordered by (id, version): the newest of `id` is the
  // last one up to (id, the highest version).
  auto next = held_.upper_bound({std::string(id), std::numeric_limits<uint32_t>::max()});
  if (next == held_.begin()) return std::optional<Article>();
  --next;
  if (next->first.first != id) return std::optional<Article>();
  return next->second.article;
}

void MemoryStore::Record(v1::AuditEntry entry) {
  absl::MutexLock lock(&audit_mu_);
  entry.set_id(audit_next_id_++);
  audit_.push_back(std::move(entry));
  if (audit_.size() > kMaxMemoryAuditEntries) audit_.pop_front();
}

absl::StatusOr<std::vector<v1::AuditEntry>> MemoryStore::ReadAudit(absl::Time since,
                                                                   uint64_t after_id,
                                                                   size_t limit) {
  absl::ReaderMutexLock lock(&audit_mu_);
  std::vector<v1::AuditEntry> entries;
  limit = std::min(limit, kMaxAuditRead);
  for (const v1::AuditEntry& entry : audit_) {
    if (entries.size() >= limit) break;
    if (entry.id() <= after_id || FromProtoTime(entry.time()) < since) continue;
    entries.push_back(entry);
  }
  return entries;
}

absl::StatusOr<std::optional<absl::Time>> MemoryStore::NextRelease() const {
  absl::ReaderMutexLock lock(&mu_);
  std::optional<absl::Time> next;
  for (const auto& [key, h] : held_) {
    if (!next.has_value() || h.release < *next) next = h.release;
  }
  return next;
}

absl::StatusOr<std::vector<FeedEvent>> MemoryStore::ReadAfter(
    uint64_t after, size_t max_events) const {
  absl::ReaderMutexLock lock(&mu_);
  std::vector<FeedEvent> out;
  const uint64_t first = std::max(after + 1, oldest_);
  for (uint64_t seq = first; seq < oldest_ + events_.size() && out.size() < max_events;
       ++seq) {
    const EventRecord& record = events_[seq - oldest_];
    FeedEvent& event = out.emplace_back();
    event.set_sequence(seq);
    event.set_kind(record.kind);
    *event.mutable_published_at() = ToProtoTime(record.published_at);
    *event.mutable_article() = *record.article;
  }
  return out;
}

absl::StatusOr<std::vector<Article>> MemoryStore::EarlierVersions(absl::string_view id,
                                                                  uint32_t version) const {
  absl::ReaderMutexLock lock(&mu_);
  std::vector<Article> earlier;
  auto it = versions_.find(id);
  if (it == versions_.end()) return earlier;
  for (auto v = it->second.begin(); v != it->second.end() && v->first < version; ++v) {
    earlier.push_back(v->second.article);
  }
  return earlier;
}

absl::StatusOr<absl::flat_hash_map<std::string, uint32_t>> MemoryStore::CurrentVersions(
    const std::vector<std::string>& ids) const {
  absl::ReaderMutexLock lock(&mu_);
  absl::flat_hash_map<std::string, uint32_t> current;
  for (const std::string& id : ids) {
    auto it = versions_.find(id);
    if (it != versions_.end()) current[id] = it->second.rbegin()->first;
  }
  return current;
}

absl::StatusOr<uint64_t> MemoryStore::FirstSequenceSince(absl::Time time) const {
  absl::ReaderMutexLock lock(&mu_);
  // Events are in publication order.
  auto first = std::partition_point(events_.begin(), events_.end(),
                                    [&](const EventRecord& e) { return e.published_at < time; });
  return oldest_ + (first - events_.begin());
}

uint64_t MemoryStore::HeadSequence() const {
  absl::ReaderMutexLock lock(&mu_);
  return oldest_ + events_.size() - 1;
}

uint64_t MemoryStore::OldestSequence() const {
  absl::ReaderMutexLock lock(&mu_);
  return oldest_;
}

absl::StatusOr<uint64_t> MemoryStore::Compact(const Retention& retention, absl::Time now) {
  absl::MutexLock lock(&mu_);
  const uint64_t head = oldest_ + events_.size() - 1;
  // Events are in publication order, so the young ones are a suffix.
  auto young = std::find_if(events_.begin(), events_.end(), [&](const EventRecord& e) {
    return e.published_at >= now - retention.max_age;
  });
  const uint64_t cutoff =
      RetentionCutoff(retention, head, oldest_, oldest_ + (young - events_.begin()));
  const uint64_t n = cutoff - oldest_;
  events_.erase(events_.begin(), events_.begin() + n);
  oldest_ = cutoff;
  return n;
}

absl::StatusOr<StoredArticle> MemoryStore::GetArticle(absl::string_view id,
                                                      uint32_t version) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = versions_.find(id);
  if (it == versions_.end()) {
    return absl::NotFoundError(absl::StrCat("no article with id ", id));
  }
  if (version == 0) return it->second.rbegin()->second;
  auto v = it->second.find(version);
  if (v == it->second.end()) {
    return absl::NotFoundError(absl::StrCat("article ", id, " has no version ",
                                            version, "; the current version is ",
                                            it->second.rbegin()->first));
  }
  return v->second;
}

absl::StatusOr<std::optional<SameStory>> MemoryStore::FindSameStory(
    const Article& article, StoryLookup lookup) const {
  absl::ReaderMutexLock lock(&mu_);
  return stories_.Find(article, lookup);
}

absl::StatusOr<v1::SearchArticlesResponse> MemoryStore::Search(
    const v1::SearchArticlesRequest& /*request*/) const {
  return absl::FailedPreconditionError(
      "search needs the durable archive; this server keeps articles in memory "
      "(start it with --data DIR instead of --memory)");
}

}  // namespace newswire
