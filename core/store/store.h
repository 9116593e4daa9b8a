// The Store: the ordered, durable log of feed events and the articles they
// carry. The sequence a Store assigns is the cursor subscribers resume from.
//
// Implementations: SqliteStore (sqlite_store.h), the embedded archive, on
// disk or in memory; NATS JetStream (scale-out) would sit behind the same
// interface.
#ifndef NEWSWIRE_CORE_STORE_STORE_H_
#define NEWSWIRE_CORE_STORE_STORE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "core/model/article.h"
#include "newswire/v1/feed.pb.h"

namespace newswire {

using ::newswire::v1::FeedEvent;

// What Store::Append did.
struct AppendResult {
  // Sequence of the new event, or of the first one for a duplicate.
  uint64_t sequence = 0;
  // True when the same id and version with the same content was already
  // stored: nothing was appended.
  bool duplicate = false;
  // The appended event with the article in full; unset for a duplicate
  // and for a held article.
  FeedEvent event;
  // True when the article is held until its embargo ends (sequence 0): it
  // is appended, as an event, by ReleaseDue.
  bool held = false;
};

// How long the event log is kept. Articles stay retrievable and searchable
// when their events are compacted. Zero fields keep everything.
struct Retention {
  // Events published longer ago than this are compacted.
  absl::Duration max_age = absl::ZeroDuration();
  // Only the newest this many events are kept.
  uint64_t max_events = 0;
};

// One stored version of an article and the event that stored it.
struct StoredArticle {
  Article article;
  uint64_t sequence = 0;
};

// What Store::FindSameStory looks for.
enum class StoryLookup {
  kAnyMatch,            // The same URL, else the same content, else a near-duplicate.
  kNearDuplicatesOnly,  // Only a near-duplicate.
};

// A stored story that an incoming article repeats (Store::FindSameStory).
struct SameStory {
  enum class Match { kSameUrl, kSameContent, kNearDuplicate };
  Match match;
  std::string id;
  uint32_t version = 0;   // Its current version,
  uint64_t sequence = 0;  // and where that was stored.
};

// How far a store that applies a log shared with other servers (a
// replica, jetstream_store.h) has got: its events are those of the log up
// to `applied`, and the log held `head` positions when last seen, at
// `head_seen_at`.
struct LogProgress {
  uint64_t applied = 0;
  uint64_t head = 0;
  absl::Time head_seen_at = absl::InfinitePast();
};

class Store {
 public:
  virtual ~Store() = default;

  // Appends `article` as the next event and returns its sequence; sequences
  // start at 1 and increase by one per appended event. `article` must be
  // normalized and valid (article.h). Unset timestamps are filled: for a new
  // version, first_created comes from the first version of the id, else
  // `now`; version_created defaults to `now`.
  //
  // The event kind follows ninjs versioning: the first version of an id is
  // PUBLISHED, a higher version UPDATED, any version with pub_status
  // CANCELED is KILLED. The same id and version with the same content
  // (fingerprint and pub_status) is a duplicate: nothing is stored and the
  // first sequence is returned. Returns FAILED_PRECONDITION, naming the
  // current version, for the same id and version with different content or
  // a version lower than the current one.
  //
  // An article whose embargoed_until is after `now` is held instead: kept
  // as durably as events, but apart from the log, invisible to ReadAfter,
  // GetArticle and Search, until ReleaseDue appends it. Holding the same id
  // and version again is a duplicate (with held set); with different
  // content it is FAILED_PRECONDITION.
  //
  // Once Append returns, the event is as durable as the Store promises and
  // visible to ReadAfter. Taken by value: a caller done with its article
  // moves it in, and the store keeps it without a copy. Thread-safe.
  virtual absl::StatusOr<AppendResult> Append(Article article, absl::Time now) = 0;

  // Appends the held articles whose embargo ended by `now`, in the order
  // their embargoes end, each as Append would at `now`, and removes them
  // from the held ones in the same commit. Returns what each did; one that
  // can no longer be appended (a higher version was published meanwhile)
  // is dropped, and its error is among the results. Thread-safe.
  virtual std::vector<absl::StatusOr<AppendResult>> ReleaseDue(absl::Time now) = 0;

  // The newest held version of article `id` (see Append), for readers
  // entitled to preview embargoed articles; nullopt when none is held.
  // Thread-safe.
  virtual absl::StatusOr<std::optional<Article>> GetHeld(absl::string_view id) const = 0;

  // When the next held article's embargo ends; nullopt when none is held.
  // Thread-safe.
  virtual absl::StatusOr<std::optional<absl::Time>> NextRelease() const = 0;

  // Returns up to `max_events` events with sequence > `after`, in sequence
  // order, each with its article in full. Events compacted by retention are
  // skipped: the first event returned may be past after + 1, and callers
  // that promise no gaps must check (see OldestSequence). Thread-safe.
  virtual absl::StatusOr<std::vector<FeedEvent>> ReadAfter(
      uint64_t after, size_t max_events) const = 0;

  // Returns every stored version of article `id` lower than `version`,
  // oldest first (none for an unknown id). Thread-safe.
  virtual absl::StatusOr<std::vector<Article>> EarlierVersions(absl::string_view id,
                                                               uint32_t version) const = 0;

  // Returns the current (highest) stored version of each of `ids` that is
  // stored. Thread-safe.
  virtual absl::StatusOr<absl::flat_hash_map<std::string, uint32_t>> CurrentVersions(
      const std::vector<std::string>& ids) const = 0;

  // Returns the sequence of the first stored event published at or after
  // `time`, or HeadSequence() + 1 if there is none. Thread-safe.
  virtual absl::StatusOr<uint64_t> FirstSequenceSince(absl::Time time) const = 0;

  // Returns the sequence of the newest event, 0 when the store is empty.
  // Thread-safe.
  virtual uint64_t HeadSequence() const = 0;

  // For a replica of a shared log: how far it applied the log, so a
  // subscriber whose cursor another replica gave can be made to wait for
  // it (Hub). nullopt for a store that is the whole truth itself (the
  // default). Cheap and non-blocking. Thread-safe.
  virtual std::optional<LogProgress> Progress() const { return std::nullopt; }

  // Returns the sequence of the oldest event still stored: 1 until
  // something is compacted, then the first sequence Compact kept (which may
  // be HeadSequence() + 1 if it kept none). Changes only through Compact,
  // which raises it before deleting anything. Thread-safe.
  virtual uint64_t OldestSequence() const = 0;

  // Deletes the events outside `retention` at time `now` and returns how
  // many. Sequences are never reused, and the articles stay. Thread-safe,
  // and safe to run beside Append and readers.
  virtual absl::StatusOr<uint64_t> Compact(const Retention& retention, absl::Time now) = 0;

  // Returns version `version` of article `id`, or its current (highest)
  // version when `version` is 0. NOT_FOUND names what is missing.
  // Thread-safe.
  virtual absl::StatusOr<StoredArticle> GetArticle(absl::string_view id,
                                                   uint32_t version) const = 0;

  // The story already stored, under another id than `article`'s
  // (normalized), that `article` tells again, for deduplicating feeds: the
  // current version of an article with the same canonical_url (when set),
  // else with the same fingerprint, else the one whose SimHash is nearest
  // within kNearDuplicateBits (earliest stored on a tie) among those that
  // are not near-duplicates themselves. Killed articles are never matched.
  // nullopt when there is none. With kNearDuplicatesOnly, only the last:
  // for an article of a story already stored under its own id, which stays
  // that story whatever it shares with another. Thread-safe.
  virtual absl::StatusOr<std::optional<SameStory>> FindSameStory(const Article& article,
                                                                 StoryLookup lookup) const = 0;

  // Full-text search over the current version of every article (see
  // SearchArticlesRequest). INVALID_ARGUMENT names a bad query, filter or
  // page token. Thread-safe.
  virtual absl::StatusOr<v1::SearchArticlesResponse> Search(
      const v1::SearchArticlesRequest& request) const = 0;
};

// The decision Append makes, shared by every Store implementation so that
// the versioning rules are written once.
struct AppendPlan {
  bool duplicate = false;
  uint64_t duplicate_of = 0;    // Set when duplicate and not held.
  // Hold the article until its embargo ends (with duplicate: it already is).
  bool hold = false;
  v1::EventKind kind = v1::EVENT_KIND_UNSPECIFIED;  // Set when appended.
};

// Decides what appending `incoming` at `now` means given what the store
// holds for its id: `same_version` is the stored article with the same id
// and version, `current` the highest stored version and `held` the held
// article with the same id and version (each nullopt when none).
// `releasing` is set when `incoming` is a held article whose embargo ended.
// Returns FAILED_PRECONDITION as described at Store::Append.
absl::StatusOr<AppendPlan> PlanAppend(const std::optional<StoredArticle>& same_version,
                                      const std::optional<StoredArticle>& current,
                                      const std::optional<Article>& held,
                                      const Article& incoming, absl::Time now,
                                      bool releasing);

// What Append answers when `plan` appends no event: a duplicate, or an
// article held until its embargo ends. REQUIRES: plan.duplicate || plan.hold.
AppendResult NotAppended(const AppendPlan& plan);

// The event that appends `article` as `sequence` at `now` under `plan`,
// its article stamped for storage; `current` as for StampForStorage.
FeedEvent NewEvent(const AppendPlan& plan, Article article,
                   const std::optional<StoredArticle>& current, uint64_t sequence,
                   absl::Time now);

// When `article` may be published: its embargo end, or InfinitePast.
absl::Time EmbargoEnd(const Article& article);

// Returns the first sequence `retention` keeps, given the store's head and
// the sequence of the first event published at or after now - max_age
// (head + 1 if none). Never lower than `oldest`.
uint64_t RetentionCutoff(const Retention& retention, uint64_t head, uint64_t oldest,
                         uint64_t first_young);
// The same for `store` at `now`: its OldestSequence when `retention` keeps
// everything.
absl::StatusOr<uint64_t> RetentionCutoff(const Store& store, const Retention& retention,
                                         absl::Time now);

// Fills the unset timestamps of `article` for storage, as Store::Append
// describes; `current` is the highest stored version of its id, if any.
void StampForStorage(Article& article,
                     const std::optional<StoredArticle>& current,
                     absl::Time now);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_STORE_STORE_H_
