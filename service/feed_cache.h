// Rendered feed documents kept while the archive they were read from is
// unchanged, so that a feed reader polling an unchanged feed (the common
// case: most polls of most feeds find nothing new) costs a lookup, not a
// search, a rendering and a hash, whether it gets a 200 or a 304.
//
// A document is stamped with the archive's head and oldest sequence when
// it was read: any event appended (a publish, update, kill or embargo
// release) moves the head, any compaction the oldest, and either makes the
// document stale.
#ifndef NEWSWIRE_SERVICE_FEED_CACHE_H_
#define NEWSWIRE_SERVICE_FEED_CACHE_H_

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace newswire {

// A feed document as served with 200: its headers, body and validators.
struct FeedDocument {
  std::vector<std::pair<std::string, std::string>> headers;  // Content-Type included.
  std::string body;
  std::string etag;
  std::optional<absl::Time> last_modified;
};

// The archive's state a document was read in.
struct ArchiveStamp {
  uint64_t head = 0;
  uint64_t oldest = 0;
  bool operator==(const ArchiveStamp& other) const {
    return head == other.head && oldest == other.oldest;
  }
};

class FeedCache {
 public:
  // Keeps documents up to `max_bytes` of bodies in all, the least recently
  // used going first.
  explicit FeedCache(size_t max_bytes = 32 << 20) : max_bytes_(max_bytes) {}
  FeedCache(const FeedCache&) = delete;
  FeedCache& operator=(const FeedCache&) = delete;

  // The document kept under `key` if it was read in `stamp`. Thread-safe.
  std::shared_ptr<const FeedDocument> Find(const std::string& key, ArchiveStamp stamp);
  // Keeps `document`, read in `stamp`, under `key`. Thread-safe.
  void Keep(const std::string& key, ArchiveStamp stamp,
            std::shared_ptr<const FeedDocument> document);

 private:
  struct Entry {
    std::string key;
    ArchiveStamp stamp;
    std::shared_ptr<const FeedDocument> document;
  };
  void Erase(std::list<Entry>::iterator it) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const size_t max_bytes_;
  absl::Mutex mu_;
  std::list<Entry> entries_ ABSL_GUARDED_BY(mu_);  // Most recently used first.
  absl::flat_hash_map<std::string, std::list<Entry>::iterator> index_ ABSL_GUARDED_BY(mu_);
  size_t bytes_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_FEED_CACHE_H_
