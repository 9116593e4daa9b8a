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
  std::array<int32_t, 64> votes{};
  for (uint64_t word : words) {
    const uint64_t feature = Mix(word);
    for (int bit = 0; bit < 64; ++bit) {
      votes[bit] += static_cast<int32_t>((feature >> bit) & 1) * 2 - 1;
    }
  }
  uint64_t hash = 0;
  for (int bit = 0; bit < 64; ++bit) {
    if (votes[bit] > 0) hash |= uint64_t{1} << bit;
  }
  return hash == 0 ? 1 : hash;
}

}  // namespace newswire
