#include "core/simhash.h"

#include <array>
#include <vector>

#include "absl/strings/ascii.h"

namespace newswire {
namespace {

constexpr uint64_t kFnvOffset = 0xcbf29ce484222325ULL;
constexpr uint64_t kFnvPrime = 0x100000001b3ULL;

// FNV-1a over a word's lower-cased bytes.
uint64_t WordHash(absl::string_view word) {
  uint64_t h = kFnvOffset;
  for (char c : word) {
    h ^= static_cast<unsigned char>(absl::ascii_tolower(static_cast<unsigned char>(c)));
    h *= kFnvPrime;
  }
  return h;
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

bool IsWordByte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x80 || absl::ascii_isalnum(u);
}

}  // namespace

uint64_t SimHash(absl::string_view text) {
  std::vector<uint64_t> words;
  for (size_t i = 0; i < text.size();) {
    if (!IsWordByte(text[i])) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < text.size() && IsWordByte(text[end])) ++end;
    words.push_back(WordHash(text.substr(i, end - i)));
    i = end;
  }
  if (words.size() < static_cast<size_t>(kMinSimHashWords)) return 0;
  // Each word votes once per occurrence. (Word 3-shingles were tried: one
  // changed word in a 90-word story moved them 6-7 bits, single words 0-1.)
  // The votes are counted bit-sliced: planes[p] holds bit p of the number
  // of features with a 1, for all 64 positions at once, so adding a feature
  // costs a short carry chain instead of 64 additions.
  std::array<uint64_t, 32> planes{};
  for (uint64_t word : words) {
    uint64_t carry = Mix(word);
    for (size_t p = 0; carry != 0 && p < planes.size(); ++p) {
      const uint64_t next = planes[p] & carry;
      planes[p] ^= carry;
      carry = next;
    }
  }
  // A bit is set when more than half of the features have it.
  uint64_t hash = 0;
  for (int bit = 0; bit < 64; ++bit) {
    uint64_t ones = 0;
    for (size_t p = 0; p < planes.size(); ++p) ones |= ((planes[p] >> bit) & 1) << p;
    if (2 * ones > words.size()) hash |= uint64_t{1} << bit;
  }
  return hash == 0 ? 1 : hash;
}

}  // namespace newswire
