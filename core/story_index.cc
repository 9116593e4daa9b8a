#include "core/story_index.h"

namespace newswire {
namespace {

template <typename Key>
void Erase(absl::flat_hash_map<Key, absl::flat_hash_set<std::string>>& map, const Key& key,
           const std::string& id) {
  auto it = map.find(key);
  if (it == map.end()) return;
  it->second.erase(id);
  if (it->second.empty()) map.erase(it);
}

}  // namespace

void StoryIndex::Remove(const std::string& id, const Entry& entry) {
  if (!entry.canonical_url.empty()) Erase(by_url_, entry.canonical_url, id);
  Erase(by_fingerprint_, entry.fingerprint, id);
  if (entry.simhash != 0 && !entry.near_duplicate) {
    for (int b = 0; b < kSimHashBlocks; ++b) Erase(by_block_[b], SimHashBlock(entry.simhash, b), id);
  }
}

void StoryIndex::Update(const Article& article, uint64_t sequence) {
  if (auto it = entries_.find(article.id()); it != entries_.end()) {
    Remove(it->first, it->second);
    entries_.erase(it);
  }
  if (article.pub_status() == v1::PUB_STATUS_CANCELED) return;
  Entry entry{.canonical_url = article.canonical_url(),
              .fingerprint = article.fingerprint(),
              .simhash = article.simhash(),
              .near_duplicate = IsNearDuplicate(article),
              .version = article.version(),
              .sequence = sequence};
  if (!entry.canonical_url.empty()) by_url_[entry.canonical_url].insert(article.id());
  by_fingerprint_[entry.fingerprint].insert(article.id());
  if (entry.simhash != 0 && !entry.near_duplicate) {
    for (int b = 0; b < kSimHashBlocks; ++b) {
      by_block_[b][SimHashBlock(entry.simhash, b)].insert(article.id());
    }
  }
  entries_.emplace(article.id(), std::move(entry));
}

std::optional<SameStory> StoryIndex::Earliest(const Ids* ids, const std::string& not_id,
                                              SameStory::Match match) const {
  if (ids == nullptr) return std::nullopt;
  std::optional<SameStory> best;
  for (const std::string& id : *ids) {
    if (id == not_id) continue;
    const Entry& entry = entries_.at(id);
    if (!best || entry.sequence < best->sequence) {
      best = SameStory{.match = match, .id = id, .version = entry.version,
                       .sequence = entry.sequence};
    }
  }
  return best;
}

std::optional<SameStory> StoryIndex::Find(const Article& article) const {
  const auto lookup = [](const auto& map, const auto& key) -> const Ids* {
    auto it = map.find(key);
    return it == map.end() ? nullptr : &it->second;
  };
  if (!article.canonical_url().empty()) {
    if (auto same = Earliest(lookup(by_url_, article.canonical_url()), article.id(),
                             SameStory::Match::kSameUrl)) {
      return same;
    }
  }
  if (auto same = Earliest(lookup(by_fingerprint_, article.fingerprint()), article.id(),
                           SameStory::Match::kSameContent)) {
    return same;
  }
  if (article.simhash() == 0) return std::nullopt;
  std::optional<SameStory> nearest;
  int nearest_distance = kNearDuplicateBits + 1;
  for (int b = 0; b < kSimHashBlocks; ++b) {
    const Ids* ids = lookup(by_block_[b], SimHashBlock(article.simhash(), b));
    if (ids == nullptr) continue;
    for (const std::string& id : *ids) {
      if (id == article.id()) continue;
      const Entry& entry = entries_.at(id);
      const int distance = HammingDistance(entry.simhash, article.simhash());
      if (distance < nearest_distance ||
          (distance == nearest_distance && nearest && entry.sequence < nearest->sequence)) {
        nearest_distance = distance;
        nearest = SameStory{.match = SameStory::Match::kNearDuplicate, .id = id,
                            .version = entry.version, .sequence = entry.sequence};
      }
    }
  }
  return nearest;
}

}  // namespace newswire
