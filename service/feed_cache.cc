#include "service/feed_cache.h"

namespace newswire {

std::shared_ptr<const FeedDocument> FeedCache::Find(const std::string& key,
                                                    ArchiveStamp stamp) {
  absl::MutexLock lock(&mu_);
  auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  if (!(it->second->stamp == stamp)) {
    Erase(it->second);  // Stale: the archive changed since.
    return nullptr;
  }
  entries_.splice(entries_.begin(), entries_, it->second);
  return it->second->document;
}

void FeedCache::Keep(const std::string& key, ArchiveStamp stamp,
                     std::shared_ptr<const FeedDocument> document) {
  const size_t bytes = document->body.size() + key.size();
  if (bytes > max_bytes_) return;
  absl::MutexLock lock(&mu_);
  if (auto it = index_.find(key); it != index_.end()) Erase(it->second);
  entries_.push_front(Entry{key, stamp, std::move(document)});
  index_[key] = entries_.begin();
  bytes_ += bytes;
  while (bytes_ > max_bytes_) Erase(std::prev(entries_.end()));
}

void FeedCache::Erase(std::list<Entry>::iterator it) {
  bytes_ -= it->document->body.size() + it->key.size();
  index_.erase(it->key);
  entries_.erase(it);
}

}  // namespace newswire
