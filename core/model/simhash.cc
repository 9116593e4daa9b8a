#include "core/model/simhash.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "absl/strings/ascii.h"

namespace newswire {
namespace {

// `chunk` (up to 8 bytes of a word) with its ASCII capitals lower-cased, all
// eight bytes at once: bit 7 of each byte of `upper` says "A".."Z".
uint64_t LowerAscii(uint64_t chunk) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  const uint64_t low7 = chunk & (0x7F * kOnes);
  const uint64_t at_least_a = low7 + (0x80 - 'A') * kOnes;  // bit 7: byte >= 'A'
  const uint64_t above_z = low7 + (0x7F - 'Z') * kOnes;     // bit 7: byte > 'Z'
  const uint64_t upper = (at_least_a ^ above_z) & ~chunk & (0x80 * kOnes);
  return chunk | (upper >> 2);  // 0x80 >> 2 is the case bit, 0x20.
}

// splitmix64's finalizer: spreads the bits of a combined hash evenly, which
// SimHash's per-bit vote needs.
uint64_t Mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

// A word's lower-cased bytes, eight at a time, mixed with its length.
uint64_t WordHash(absl::string_view word) {
  uint64_t h = Mix(word.size());
  while (!word.empty()) {
    uint64_t chunk = 0;
    const size_t n = std::min<size_t>(8, word.size());
    std::memcpy(&chunk, word.data(), n);
    h = Mix(h ^ LowerAscii(chunk));
    word.remove_prefix(n);
  }
  return h;
}

bool IsWordByte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x80 || absl::ascii_isalnum(u);
}

}  // namespace

uint64_t SimHash(absl::string_view text) {
  // Each word votes once per occurrence. (Word 3-shingles were tried: one
  // changed word in a 90-word story moved them 6-7 bits, single words 0-1.)
  // The votes are counted bit-sliced: planes[p] holds bit p of the number
  // of words with a 1, for all 64 positions at once, so a word costs a short
  // carry chain instead of 64 additions.
  std::array<uint64_t, 32> planes{};
  size_t words = 0;
  for (size_t i = 0; i < text.size();) {
    if (!IsWordByte(text[i])) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < text.size() && IsWordByte(text[end])) ++end;
    uint64_t carry = WordHash(text.substr(i, end - i));
    for (size_t p = 0; carry != 0 && p < planes.size(); ++p) {
      const uint64_t next = planes[p] & carry;
      planes[p] ^= carry;
      carry = next;
    }
    ++words;
    i = end;
  }
  if (words < static_cast<size_t>(kMinSimHashWords)) return 0;
  // A bit is set when more than half of the words have it: its count is at
  // least `threshold`. Compared bit-sliced too, from the top plane down.
  const uint64_t threshold = words / 2 + 1;
  uint64_t greater = 0;
  uint64_t equal = ~uint64_t{0};
  for (size_t p = planes.size(); p-- > 0;) {
    if ((threshold >> p) & 1) {
      equal &= planes[p];
    } else {
      greater |= equal & planes[p];
      equal &= ~planes[p];
    }
  }
  const uint64_t hash = greater | equal;
  return hash == 0 ? 1 : hash;
}

}  // namespace newswire
