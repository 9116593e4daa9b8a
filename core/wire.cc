#include "core/wire.h"

#include <utility>

namespace newswire {

v1::PublishResponse ToPublishResponse(const PublishResult& result) {
  v1::PublishResponse response;
  response.set_id(result.id);
  response.set_version(result.version);
  response.set_sequence(result.sequence);
  response.set_duplicate(result.duplicate);
  response.set_held(result.held);
  return response;
}

PublishResult FromPublishResponse(const v1::PublishResponse& response) {
  return PublishResult{.id = response.id(),
                       .version = response.version(),
                       .sequence = response.sequence(),
                       .duplicate = response.duplicate(),
                       .held = response.held()};
}

Wire::Wire(Store* store, Hub* hub, Clock clock)
    : store_(store), hub_(hub), clock_(std::move(clock)) {}

absl::StatusOr<PublishResult> Wire::Publish(Article article) {
  const bool pick_version = article.version() == 0;
  NormalizeArticle(article);
  if (absl::Status s = ValidateArticle(article); !s.ok()) return s;
  if (pick_version) {
    absl::StatusOr<VersionPick> pick = PickVersion(article);
    if (!pick.ok()) return pick.status();
    if (!pick->unchanged) {
      // A story already stored under this id stays that story; it may
      // only turn out to be a near-duplicate of another.
      absl::StatusOr<std::optional<SameStory>> same = store_->FindSameStory(
          article, pick->known ? StoryLookup::kNearDuplicatesOnly : StoryLookup::kAnyMatch);
      if (!same.ok()) return same.status();
      if (same->has_value()) {
        const SameStory& story = **same;
        if (story.match == SameStory::Match::kNearDuplicate) {
          v1::Link* link = article.add_links();
          link->set_rel(kDuplicateOfRel);
          link->set_href(story.id);
        } else {
          // Another feed's copy of a story already here: that story.
          return PublishResult{.id = story.id,
                               .version = story.version,
                               .sequence = story.sequence,
                               .duplicate = true,
                               .held = false};
        }
      }
    }
  }

  std::string id = article.id();
  const uint32_t version = article.version();
  absl::StatusOr<AppendResult> appended = store_->Append(std::move(article), clock_());
  if (!appended.ok()) return appended.status();
  if (appended->held) {
    if (!appended->duplicate && on_hold_) on_hold_();
  } else if (!appended->duplicate) {
    hub_->Publish(appended->event);
  }
  return PublishResult{.id = std::move(id),
                       .version = version,
                       .sequence = appended->sequence,
                       .duplicate = appended->duplicate,
                       .held = appended->held};
}

absl::StatusOr<Wire::VersionPick> Wire::PickVersion(Article& article) const {
  absl::StatusOr<StoredArticle> current = store_->GetArticle(article.id(), 0);
  if (absl::IsNotFound(current.status())) return VersionPick{};  // Version 1.
  if (!current.ok()) return current.status();
  const Article& stored = current->article;
  const bool same = stored.fingerprint() == article.fingerprint() &&
                    stored.pub_status() == article.pub_status() &&
                    (!article.has_version_created() ||
                     (stored.version_created().seconds() == article.version_created().seconds() &&
                      stored.version_created().nanos() == article.version_created().nanos()));
  article.set_version(same ? stored.version() : stored.version() + 1);
  return VersionPick{.known = true, .unchanged = same};
}

absl::StatusOr<size_t> Wire::ReleaseDue() {
  size_t released = 0;
  absl::Status error;
  for (absl::StatusOr<AppendResult>& result : store_->ReleaseDue(clock_())) {
    if (!result.ok()) {
      // A refused article was dropped; anything else is the Store's fault.
      if (error.ok() && result.status().code() != absl::StatusCode::kFailedPrecondition) {
        error = result.status();
      }
      continue;
    }
    if (result->duplicate) continue;
    hub_->Publish(result->event);
    ++released;
  }
  if (!error.ok()) return error;
  return released;
}

}  // namespace newswire
