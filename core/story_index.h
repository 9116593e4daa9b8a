// The current version of each story, indexed the ways Store::FindSameStory
// looks for repeats: by canonical URL, by fingerprint, and by the blocks of
// its SimHash. The MemoryStore's; the SqliteStore keeps the same in SQL.
#ifndef NEWSWIRE_CORE_STORY_INDEX_H_
#define NEWSWIRE_CORE_STORY_INDEX_H_

#include <array>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "core/simhash.h"
#include "core/store.h"

namespace newswire {

// Not thread-safe: the owner locks.
class StoryIndex {
 public:
  // Makes `article`, stored at `sequence`, the current version of its id.
  void Update(const Article& article, uint64_t sequence);

  // As Store::FindSameStory.
  std::optional<SameStory> Find(const Article& article) const;

 private:
  struct Entry {
    std::string canonical_url;
    std::string fingerprint;
    uint64_t simhash = 0;
    bool near_duplicate = false;
    uint32_t version = 0;
    uint64_t sequence = 0;
  };
  using Ids = absl::flat_hash_set<std::string>;

  void Remove(const std::string& id, const Entry& entry);
  // The first id of `ids` other than `not_id`, by sequence.
  std::optional<SameStory> Earliest(const Ids* ids, const std::string& not_id,
                                    SameStory::Match match) const;

  absl::flat_hash_map<std::string, Entry> entries_;  // Killed ones are not here.
  absl::flat_hash_map<std::string, Ids> by_url_;
  absl::flat_hash_map<std::string, Ids> by_fingerprint_;
  std::array<absl::flat_hash_map<uint32_t, Ids>, kSimHashBlocks> by_block_;
};

}  // namespace newswire

#endif  // NEWSWIRE_CORE_STORY_INDEX_H_
