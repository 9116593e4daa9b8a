#include "core/store/store.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/model/article.h"

namespace newswire {

AppendResult NotAppended(const AppendPlan& plan) {
  AppendResult result;
  result.sequence = plan.duplicate ? plan.duplicate_of : 0;
  result.duplicate = plan.duplicate;
  result.held = plan.hold;
  return result;
}

FeedEvent NewEvent(const AppendPlan& plan, Article article,
                   const std::optional<StoredArticle>& current, uint64_t sequence,
                   absl::Time now) {
  FeedEvent event;
  event.set_sequence(sequence);
  event.set_kind(plan.kind);
  *event.mutable_published_at() = ToProtoTime(now);
  Article& stored = *event.mutable_article();
  stored = std::move(article);
  StampForStorage(stored, current, now);
  return event;
}

absl::Time EmbargoEnd(const Article& article) {
  return article.has_embargoed_until() ? FromProtoTime(article.embargoed_until())
                                       : absl::InfinitePast();
}

absl::StatusOr<AppendPlan> PlanAppend(const std::optional<StoredArticle>& same_version,
                                      const std::optional<StoredArticle>& current,
                                      const std::optional<Article>& held,
                                      const Article& incoming, absl::Time now,
                                      bool releasing) {
  if (same_version.has_value()) {
    const Article& stored = same_version->article;
    if (stored.fingerprint() == incoming.fingerprint() &&
        stored.pub_status() == incoming.pub_status()) {
      return AppendPlan{.duplicate = true, .duplicate_of = same_version->sequence};
    }
    return absl::FailedPreconditionError(absl::StrCat(
        "article ", incoming.id(), " version ", incoming.version(),
        " was already published with different content (sequence ",
        same_version->sequence, "); the current version is ",
        current ? current->article.version() : stored.version(),
        ": publish a higher version to change it"));
  }
  if (current.has_value() && incoming.version() < current->article.version()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "article ", incoming.id(), " version ", incoming.version(),
        " is older than the current version ", current->article.version()));
  }
  AppendPlan plan;
  if (!releasing && EmbargoEnd(incoming) > now) {
    plan.hold = true;
    if (held.has_value()) {
      if (held->fingerprint() != incoming.fingerprint() ||
          held->pub_status() != incoming.pub_status()) {
        return absl::FailedPreconditionError(absl::StrCat(
            "article ", incoming.id(), " version ", incoming.version(),
            " is already held under embargo with different content: publish a higher "
            "version to change it"));
      }
      plan.duplicate = true;
    }
    return plan;
  }
  if (incoming.pub_status() == v1::PUB_STATUS_CANCELED) {
    plan.kind = v1::EVENT_KIND_KILLED;
  } else {
    plan.kind = current.has_value() ? v1::EVENT_KIND_UPDATED
                                    : v1::EVENT_KIND_PUBLISHED;
  }
  return plan;
}

uint64_t RetentionCutoff(const Retention& retention, uint64_t head, uint64_t oldest,
                         uint64_t first_young) {
  uint64_t cutoff = oldest;
  if (retention.max_events > 0 && head > retention.max_events) {
    cutoff = std::max(cutoff, head - retention.max_events + 1);
  }
  if (retention.max_age > absl::ZeroDuration()) cutoff = std::max(cutoff, first_young);
  return cutoff;
}

absl::StatusOr<uint64_t> RetentionCutoff(const Store& store, const Retention& retention,
                                         absl::Time now) {
  const uint64_t head = store.HeadSequence();
  uint64_t first_young = head + 1;
  if (retention.max_age > absl::ZeroDuration()) {
    absl::StatusOr<uint64_t> first = store.FirstSequenceSince(now - retention.max_age);
    if (!first.ok()) return first.status();
    first_young = std::min(*first, first_young);
  }
  return RetentionCutoff(retention, head, store.OldestSequence(), first_young);
}

void StampForStorage(Article& article,
                     const std::optional<StoredArticle>& current,
                     absl::Time now) {
  if (!article.has_first_created()) {
    *article.mutable_first_created() =
        current.has_value() && current->article.has_first_created()
            ? current->article.first_created()
            : ToProtoTime(now);
  }
  if (!article.has_version_created()) {
    // A later version was created now, not when the first one was.
    *article.mutable_version_created() =
        current.has_value() ? ToProtoTime(now) : article.first_created();
  }
}

}  // namespace newswire
