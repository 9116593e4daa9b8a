#include "core/publish/wire.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "core/base/event_log.h"
#include "core/policy/policy.h"

namespace newswire {
namespace {

// Times a version-less publish picks a version before its refusal stands.
// Each lost pick is another publish of the id stored, so racers up to this
// many all get through.
constexpr int kVersionPicks = 8;

// One line for the publish of `id` at `version` (0: picked) by `caller`:
// refusals at info, failures as errors, the rest at debug.
void LogPublish(absl::string_view id, uint32_t version, const Caller& caller,
                const absl::StatusOr<PublishResult>& result) {
  const std::string& key = caller.principal->log_name();
  if (result.ok()) {
    if (!EventLogEnabled(LogLevel::kDebug)) return;  // The fields cost a few copies.
    LogEvent(LogLevel::kDebug, "publish.accepted",
             {{"id", result->id},
              {"version", uint64_t{result->version}},
              {"sequence", result->sequence},
              {"duplicate", result->duplicate ? "true" : "false"},
              {"held", result->held ? "true" : "false"},
              {"peer", caller.peer},
              {"key", key}});
    return;
  }
  const bool refused = RefusalOf(result.status()) != Refusal::kNone;
  LogEvent(refused ? LogLevel::kInfo : LogLevel::kError,
           refused ? "publish.refused" : "publish.failed",
           {{"code", result.status()},
            {"id", id},
            {"version", uint64_t{version}},
            {"peer", caller.peer},
            {"key", key},
            {"reason", result.status().message()}});
}

}  // namespace

Refusal RefusalOf(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
      return Refusal::kInvalid;
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kAlreadyExists:
      return Refusal::kConflict;
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kUnauthenticated:
      return Refusal::kDenied;
    case absl::StatusCode::kResourceExhausted:
      return Refusal::kLimited;
    default:
      return Refusal::kNone;
  }
}

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
  static const Caller* const in_process = new Caller(InProcessCaller("Publish"));
  return Publish(std::move(article), *in_process);
}

absl::Status Wire::Authorize(const Caller& caller, const Article& article,
                             const std::optional<Article>* current) const {
  const Principal& principal = *caller.principal;
  std::optional<Article> read;
  // The stored story's source matters only to a key limited to sources.
  if (current == nullptr && principal.LimitedToSources()) {
    absl::StatusOr<StoredArticle> stored = store_->GetArticle(article.id(), 0);
    if (stored.ok()) {
      read = std::move(stored->article);
    } else if (absl::IsNotFound(stored.status())) {
      // A story held under embargo is that source's too.
      absl::StatusOr<std::optional<Article>> held = store_->GetHeld(article.id());
      if (!held.ok()) return held.status();
      read = *std::move(held);
    } else {
      return stored.status();
    }
    current = &read;
  }
  absl::Status status = AuthorizePublish(
      principal, article, current != nullptr && current->has_value() ? &**current : nullptr);
  if (gate_ != nullptr) {
    if (!status.ok()) return gate_->Deny(caller, std::move(status));
    gate_->Allow(caller, absl::StrCat(article.pub_status() == v1::PUB_STATUS_CANCELED
                                          ? "kill "
                                          : "publish ",
                                      article.id(), " version ", article.version(), " as \"",
                                      article.source().name(), "\""));
  }
  return status;
}

absl::StatusOr<PublishResult> Wire::Publish(Article article, const Caller& caller) {
  // What the log says of a refused article (it is normalized, then gone).
  const std::string id = article.id().substr(0, kMaxLogValueBytes + 1);
  const uint32_t version = article.version();
  const absl::Time start = absl::Now();
  absl::StatusOr<PublishResult> result = PublishUnobserved(std::move(article), caller);
  if (observer_) observer_(result, absl::Now() - start);
  LogPublish(id, version, caller, result);
  return result;
}

absl::StatusOr<PublishResult> Wire::PublishUnobserved(Article article, const Caller& caller) {
  const bool pick_version = article.version() == 0;
  NormalizeArticle(article);
  if (absl::Status s = ValidateArticle(article); !s.ok()) return s;
  if (!pick_version) {
    if (absl::Status s = Authorize(caller, article, nullptr); !s.ok()) return s;
    return Append(std::move(article));
  }
  // The version picked from this server's view may be taken before the
  // append stores it: by a racing publish, or, on a replica, by one the
  // log holds and the archive had not applied yet. The refusal comes once
  // the archive knows that version, so a new pick gets past it.
  for (int pick = 1;; ++pick) {
    Article picked = article;
    absl::StatusOr<std::optional<PublishResult>> settled = PickAndVet(picked, caller);
    if (!settled.ok()) return settled.status();
    if (settled->has_value()) return **settled;
    absl::StatusOr<PublishResult> result = Append(std::move(picked));
    if (result.ok() || !absl::IsFailedPrecondition(result.status()) || pick == kVersionPicks) {
      return result;
    }
  }
}

absl::StatusOr<std::optional<PublishResult>> Wire::PickAndVet(Article& article,
                                                              const Caller& caller) const {
  absl::StatusOr<VersionPick> pick = PickVersion(article);
  if (!pick.ok()) return pick.status();
  // An id not stored yet may still be held under embargo: Authorize looks.
  if (absl::Status s = Authorize(caller, article, pick->known ? &pick->current : nullptr);
      !s.ok()) {
    return s;
  }
  if (pick->unchanged) return std::optional<PublishResult>();
  // A story already stored under this id stays that story; it may only
  // turn out to be a near-duplicate of another.
  absl::StatusOr<std::optional<SameStory>> same = store_->FindSameStory(
      article, pick->known ? StoryLookup::kNearDuplicatesOnly : StoryLookup::kAnyMatch);
  if (!same.ok()) return same.status();
  if (!same->has_value()) return std::optional<PublishResult>();
  const SameStory& story = **same;
  if (story.match == SameStory::Match::kNearDuplicate) {
    v1::Link* link = article.add_links();
    link->set_rel(kDuplicateOfRel);
    link->set_href(story.id);
    return std::optional<PublishResult>();
  }
  // Another feed's copy of a story already here: that story.
  return std::optional<PublishResult>(PublishResult{.id = story.id,
                                                    .version = story.version,
                                                    .sequence = story.sequence,
                                                    .duplicate = true,
                                                    .held = false});
}

absl::StatusOr<PublishResult> Wire::Append(Article article) {
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
  return VersionPick{.known = true, .unchanged = same, .current = std::move(current->article)};
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
