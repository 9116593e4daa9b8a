// SimHash (Charikar 2002) of an article's body, for finding near-duplicate
// stories: the same wire copy lightly edited by two outlets gives hashes a
// few bits apart, unrelated texts about half their bits apart.
#ifndef NEWSWIRE_CORE_MODEL_SIMHASH_H_
#define NEWSWIRE_CORE_MODEL_SIMHASH_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace newswire {

// Bodies with fewer words get no SimHash (0): too short to tell a copy from
// a coincidence. Up to a hundred words or so, one changed word still moves
// about one copy in ten past kNearDuplicateBits; longer bodies hold steady.
inline constexpr int kMinSimHashWords = 20;
// Hashes at most this many bits apart are near-duplicates.
inline constexpr int kNearDuplicateBits = 3;
// kNearDuplicateBits + 1 blocks of 16 bits: two hashes within the distance
// share at least one whole block (pigeonhole), which is how stores index
// them.
inline constexpr int kSimHashBlocks = 4;

// The 64-bit SimHash of `text` with its words as the features, each
// weighted by how often it occurs (words: runs of letters and digits, ASCII
// lower-cased; any non-ASCII byte counts as a letter). Word order does not
// count: light edits move the hash a bit or two, where shingles of several
// words made short stories drift past any useful distance. Stable across
// runs and machines. 0 when `text` has fewer than kMinSimHashWords words,
// and never 0 otherwise.
uint64_t SimHash(absl::string_view text);

// Block `i` (0..kSimHashBlocks-1) of `hash`: bits 16i..16i+15.
inline uint32_t SimHashBlock(uint64_t hash, int i) {
  return static_cast<uint32_t>((hash >> (16 * i)) & 0xFFFF);
}

// The number of bits in which `a` and `b` differ.
inline int HammingDistance(uint64_t a, uint64_t b) { return __builtin_popcountll(a ^ b); }

}  // namespace newswire

#endif  // NEWSWIRE_CORE_MODEL_SIMHASH_H_
