#include "core/story_index.h"

#include <algorithm>

#include "absl/strings/numbers.h"

namespace newswire {
namespace {

// The first 64 bits of a hex fingerprint (0 if it is not hex).
uint64_t FingerprintKey(const std::string& fingerprint) {
  uint64_t key = 0;
  if (fingerprint.size() < 16 ||
      !absl::SimpleHexAtoi(absl::string_view(fingerprint).substr(0, 16), &key)) {
    return 0;
  }
  return key;
}

template <typename Map, typename Key>
void Change(Map& map, const Key& key, uint32_t slot, bool add) {
  if (add) {
    map[key].push_back(slot);
    return;
  }
  auto it = map.find(key);
  if (it == map.end()) return;
  auto& slots = it->second;
  slots.erase(std::remove(slots.begin(), slots.end(), slot), slots.end());
  if (slots.empty()) map.erase(it);
}

template <typename Map, typename Key>
const absl::InlinedVector<uint32_t, 1>* Find(const Map& map, const Key& key) {
  auto it = map.find(key);
  return it == map.end() ? nullptr : &it->second;
}

}  // namespace

void StoryIndex::Index(uint32_t slot, bool add) {
  const Story& story = stories_[slot];
  if (!story.canonical_url.empty()) Change(by_url_, story.canonical_url, slot, add);
  Change(by_fingerprint_, FingerprintKey(story.fingerprint), slot, add);
  if (story.simhash != 0 && !story.near_duplicate) {
    for (int b = 0; b < kSimHashBlocks; ++b) {
      Change(by_block_[b], SimHashBlock(story.simhash, b), slot, add);
    }
  }
}

void StoryIndex::Update(const Article& article, uint64_t sequence) {
  auto [it, added] = slot_of_id_.try_emplace(article.id(), stories_.size());
  if (added) {
    stories_.emplace_back();
    stories_.back().id = article.id();
  } else if (stories_[it->second].indexed) {
    Index(it->second, /*add=*/false);
  }
  Story& story = stories_[it->second];
  story.canonical_url = article.canonical_url();
  story.fingerprint = article.fingerprint();
  story.simhash = article.simhash();
  story.near_duplicate = IsNearDuplicate(article);
  story.version = article.version();
  story.sequence = sequence;
  story.indexed = article.pub_status() != v1::PUB_STATUS_CANCELED;
  if (story.indexed) Index(it->second, /*add=*/true);
}

SameStory StoryIndex::Match(uint32_t slot, SameStory::Match match) const {
  const Story& story = stories_[slot];
  return SameStory{
      .match = match, .id = story.id, .version = story.version, .sequence = story.sequence};
}

template <typename Accept>
std::optional<uint32_t> StoryIndex::Earliest(const Slots* slots, const std::string& not_id,
                                             Accept accept) const {
  if (slots == nullptr) return std::nullopt;
  std::optional<uint32_t> best;
  for (uint32_t slot : *slots) {
    const Story& story = stories_[slot];
    if (story.id == not_id || !accept(story)) continue;
    if (!best || story.sequence < stories_[*best].sequence) best = slot;
  }
  return best;
}

std::optional<SameStory> StoryIndex::Find(const Article& article, StoryLookup lookup) const {
  if (lookup == StoryLookup::kAnyMatch) {
    if (std::optional<SameStory> same = FindCopy(article)) return same;
  }
  return FindNearDuplicate(article);
}

std::optional<SameStory> StoryIndex::FindCopy(const Article& article) const {
  if (!article.canonical_url().empty()) {
    if (auto slot = Earliest(newswire::Find(by_url_, article.canonical_url()), article.id(),
                             [](const Story&) { return true; })) {
      return Match(*slot, SameStory::Match::kSameUrl);
    }
  }
  if (auto slot = Earliest(newswire::Find(by_fingerprint_, FingerprintKey(article.fingerprint())),
                           article.id(), [&](const Story& story) {
                             return story.fingerprint == article.fingerprint();
                           })) {
    return Match(*slot, SameStory::Match::kSameContent);
  }
  return std::nullopt;
}

std::optional<SameStory> StoryIndex::FindNearDuplicate(const Article& article) const {
  if (article.simhash() == 0) return std::nullopt;
  std::optional<uint32_t> nearest;
  int nearest_distance = kNearDuplicateBits + 1;
  for (int b = 0; b < kSimHashBlocks; ++b) {
    const Slots* slots = newswire::Find(by_block_[b], SimHashBlock(article.simhash(), b));
    if (slots == nullptr) continue;
    for (uint32_t slot : *slots) {
      const Story& story = stories_[slot];
      if (story.id == article.id()) continue;
      const int distance = HammingDistance(story.simhash, article.simhash());
      if (distance < nearest_distance ||
          (distance == nearest_distance && nearest &&
           story.sequence < stories_[*nearest].sequence)) {
        nearest_distance = distance;
        nearest = slot;
      }
    }
  }
  if (!nearest) return std::nullopt;
  return Match(*nearest, SameStory::Match::kNearDuplicate);
}

}  // namespace newswire
