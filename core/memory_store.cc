#include "core/memory_store.h"

#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"

namespace newswire {

StoredArticle MemoryStore::StoredAt(uint64_t sequence) const {
  return StoredArticle{.article = events_[sequence - 1].article(),
                       .sequence = sequence};
}

absl::StatusOr<AppendResult> MemoryStore::Append(const Article& article,
                                                 absl::Time now) {
  absl::MutexLock lock(&mu_);
  std::optional<StoredArticle> same_version, current;
  if (auto it = versions_.find(article.id()); it != versions_.end()) {
    current = StoredAt(it->second.rbegin()->second);
    if (auto v = it->second.find(article.version()); v != it->second.end()) {
      same_version = StoredAt(v->second);
    }
  }
  absl::StatusOr<AppendPlan> plan = PlanAppend(same_version, current, article);
  if (!plan.ok()) return plan.status();
  if (plan->duplicate) {
    AppendResult duplicate;
    duplicate.sequence = plan->duplicate_of;
    duplicate.duplicate = true;
    return duplicate;
  }

  AppendResult result;
  result.sequence = events_.size() + 1;
  FeedEvent& event = result.event;
  event.set_sequence(result.sequence);
  event.set_kind(plan->kind);
  *event.mutable_published_at() = ToProtoTime(now);
  *event.mutable_article() = article;
  StampForStorage(*event.mutable_article(), current, now);
  events_.push_back(event);
  versions_[article.id()][article.version()] = result.sequence;
  return result;
}

absl::StatusOr<std::vector<FeedEvent>> MemoryStore::ReadAfter(
    uint64_t after, size_t max_events) const {
  absl::ReaderMutexLock lock(&mu_);
  std::vector<FeedEvent> out;
  if (after >= events_.size()) return out;
  const size_t end = std::min<size_t>(events_.size(), after + max_events);
  out.assign(events_.begin() + after, events_.begin() + end);
  return out;
}

uint64_t MemoryStore::HeadSequence() const {
  absl::ReaderMutexLock lock(&mu_);
  return events_.size();
}

absl::StatusOr<StoredArticle> MemoryStore::GetArticle(absl::string_view id,
                                                      uint32_t version) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = versions_.find(id);
  if (it == versions_.end()) {
    return absl::NotFoundError(absl::StrCat("no article with id ", id));
  }
  if (version == 0) return StoredAt(it->second.rbegin()->second);
  auto v = it->second.find(version);
  if (v == it->second.end()) {
    return absl::NotFoundError(absl::StrCat("article ", id, " has no version ",
                                            version, "; the current version is ",
                                            it->second.rbegin()->first));
  }
  return StoredAt(v->second);
}

absl::StatusOr<v1::SearchArticlesResponse> MemoryStore::Search(
    const v1::SearchArticlesRequest& /*request*/) const {
  return absl::FailedPreconditionError(
      "search needs the durable archive; this server keeps articles in memory "
      "(start it with --data DIR instead of --memory)");
}

}  // namespace newswire
