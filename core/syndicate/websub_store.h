// Where the WebSub hub keeps its subscriptions: in the archive (schema 7,
// the websub_subscriptions table) so that they survive a restart, or in
// memory for a server without a data dir (--memory).
//
//   websub_subscriptions  one row per verified subscription, keyed by
//                         (topic, callback): the subscriber's secret (in
//                         the clear: the hub signs with it), when its lease
//                         ends, when it was first verified, and its cursor,
//                         the sequence of the last event delivered to it.
#ifndef NEWSWIRE_CORE_SYNDICATE_WEBSUB_STORE_H_
#define NEWSWIRE_CORE_SYNDICATE_WEBSUB_STORE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace newswire {

inline constexpr char kWebSubSchema[] = R"sql(
  CREATE TABLE websub_subscriptions (
    topic TEXT NOT NULL,
    callback TEXT NOT NULL,
    secret BLOB NOT NULL,
    lease_end_us INTEGER NOT NULL,
    created_us INTEGER NOT NULL,
    cursor INTEGER NOT NULL,
    PRIMARY KEY (topic, callback)
  ) WITHOUT ROWID;
)sql";

// One verified subscription.
struct WebSubRecord {
  std::string topic;     // The feed URL subscribed to, as the subscriber gave it.
  std::string callback;  // Where deliveries are POSTed.
  std::string secret;    // Empty: deliveries are not signed.
  absl::Time lease_end;  // No deliveries from then on.
  absl::Time created;    // When the subscription was first verified.
  uint64_t cursor = 0;   // Every event up to this sequence was delivered (or skipped).

  friend bool operator==(const WebSubRecord&, const WebSubRecord&) = default;
};

// Thread-safe.
class WebSubStore {
 public:
  virtual ~WebSubStore() = default;

  // Every subscription, ordered by (topic, callback).
  virtual absl::StatusOr<std::vector<WebSubRecord>> Load() const = 0;

  // Inserts `record`, or replaces the one with its topic and callback;
  // durably before it returns.
  virtual absl::Status Put(const WebSubRecord& record) = 0;

  // Sets the cursor of the subscription (topic, callback); none is no error.
  virtual absl::Status SetCursor(absl::string_view topic, absl::string_view callback,
                                 uint64_t cursor) = 0;

  // Deletes the subscription (topic, callback); none is no error.
  virtual absl::Status Remove(absl::string_view topic, absl::string_view callback) = 0;

  // Sharing, for the replicas of a cluster (core/store/jetstream_websub.h):
  // every replica sees every subscription, and exactly one delivers each.
  // A server's own store has nothing to share: these are its defaults.

  // Whether this server delivers to `record`'s subscriber.
  virtual bool Delivers(const WebSubRecord& /*record*/) const { return true; }

  // Calls `changed` (on a thread of the store's) after another replica
  // changed what Load returns, or which subscriptions Delivers picks here
  // changed. One watcher: a second call replaces the first.
  virtual void Watch(absl::AnyInvocable<void()> /*changed*/) {}
  // Returns once `changed` is no longer called or running.
  virtual void StopWatching() {}
};

// Subscriptions in the archive file at `archive_path` (newswire.db, schema
// 7 or later, as SqliteStore::Open leaves it). Uses its own connection, so
// it may sit beside a SqliteStore on the same file. FAILED_PRECONDITION
// for an archive without the table (an older schema).
absl::StatusOr<std::unique_ptr<WebSubStore>> OpenArchiveWebSubStore(
    const std::string& archive_path);

// Subscriptions in memory only, lost when the process ends.
std::unique_ptr<WebSubStore> OpenMemoryWebSubStore();

// A server's subscriptions: in the archive of `data_dir`, or in memory when
// it is empty (a server without a data dir).
absl::StatusOr<std::unique_ptr<WebSubStore>> OpenWebSubStore(const std::string& data_dir);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_SYNDICATE_WEBSUB_STORE_H_
