// The current version of each story, indexed the ways Store::FindSameStory
// looks for repeats: by canonical URL, by fingerprint, and by the blocks of
// its SimHash. The MemoryStore's; the SqliteStore keeps the same in SQL.
#ifndef NEWSWIRE_CORE_STORY_INDEX_H_
#define NEWSWIRE_CORE_STORY_INDEX_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "core/simhash.h"
#include "core/store.h"

namespace newswire {

// Not thread-safe: the owner locks. Update runs on every publish, so each
// story is one slot and the indexes hold slot numbers, keyed by integers
// where they can be (a fingerprint by its first 64 bits).
class StoryIndex {
 public:
  // Makes `article`, stored at `sequence`, the current version of its id.
  void Update(const Article& article, uint64_t sequence);

  // As Store::FindSameStory.
  std::optional<SameStory> Find(const Article& article, StoryLookup lookup) const;

 private:
  struct Story {
    std::string id;
    std::string canonical_url;
    std::string fingerprint;
    uint64_t simhash = 0;
    bool indexed = false;  // False for killed stories: in no index.
    bool near_duplicate = false;
    uint32_t version = 0;
    uint64_t sequence = 0;
  };
  using Slots = absl::InlinedVector<uint32_t, 1>;

  // The earliest other story with the same URL, else the same content.
  std::optional<SameStory> FindCopy(const Article& article) const;
  // The other story whose SimHash is nearest, within kNearDuplicateBits.
  std::optional<SameStory> FindNearDuplicate(const Article& article) const;
  void Index(uint32_t slot, bool add);
  SameStory Match(uint32_t slot, SameStory::Match match) const;
  // The earliest stored story in `slots` other than `not_id` that `accept`s.
  template <typename Accept>
  std::optional<uint32_t> Earliest(const Slots* slots, const std::string& not_id,
                                   Accept accept) const;

  std::vector<Story> stories_;
  absl::flat_hash_map<std::string, uint32_t> slot_of_id_;
  absl::flat_hash_map<std::string, Slots> by_url_;
  absl::flat_hash_map<uint64_t, Slots> by_fingerprint_;
  std::array<absl::flat_hash_map<uint32_t, Slots>, kSimHashBlocks> by_block_;
};

}  // namespace newswire

#endif  // NEWSWIRE_CORE_STORY_INDEX_H_
