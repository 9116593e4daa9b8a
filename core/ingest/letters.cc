#include "core/ingest/letters.h"

#include "absl/strings/ascii.h"
#include "core/model/article.h"  // IsValidUtf8.

namespace newswire {
namespace {

// Length of the UTF-8 sequence that `lead` opens. REQUIRES: valid UTF-8.
size_t SequenceLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead < 0xE0) return 2;
  if (lead < 0xF0) return 3;
  return 4;
}

// Latin Extended-A pairs each capital with the small letter after it:
// capitals are even, except in U+0139..U+0148 and U+0179..U+017E where they
// are odd; U+0138, U+0149 and U+017F are small letters without a capital,
// and U+0178 is the capital of U+00FF.
char32_t SmallLatinExtendedA(char32_t c) {
  if (c == 0x130) return 'i';
  if (c == 0x178) return 0xFF;
  if (c == 0x138 || c == 0x149 || c == 0x17F) return c;
  const bool odd_capitals = (c >= 0x139 && c <= 0x148) || c >= 0x179;
  return (c % 2 == 1) == odd_capitals ? c + 1 : c;
}

// Greek capitals, with tonos (U+0386..U+038F) and without (U+0391..U+03A9).
char32_t SmallGreek(char32_t c) {
  if (c == 0x386) return 0x3AC;
  if (c >= 0x388 && c <= 0x38A) return c + 0x25;
  if (c == 0x38C) return 0x3CC;
  if (c == 0x38E || c == 0x38F) return c + 0x3F;
  if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) return c + 0x20;
  return c;
}

}  // namespace

char32_t DecodeUtf8At(absl::string_view text, size_t i, size_t& length) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[i + k]); };
  length = SequenceLength(byte(0));
  char32_t c = length == 1 ? byte(0) : byte(0) & (0x7F >> length);
  for (size_t k = 1; k < length; ++k) c = (c << 6) | (byte(k) & 0x3F);
  return c;
}

void AppendUtf8(char32_t code_point, std::string& out) {
  if (code_point < 0x80) {
    out.push_back(static_cast<char>(code_point));
    return;
  }
  int continuation_bytes = code_point < 0x800 ? 1 : code_point < 0x10000 ? 2 : 3;
  constexpr unsigned char kLead[] = {0, 0xC0, 0xE0, 0xF0};
  out.push_back(static_cast<char>(kLead[continuation_bytes] |
                                  (code_point >> (6 * continuation_bytes))));
  while (continuation_bytes-- > 0) {
    out.push_back(static_cast<char>(0x80 | ((code_point >> (6 * continuation_bytes)) & 0x3F)));
  }
}

char32_t SmallLetter(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 0x20;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 0x20;  // Latin-1, not "×".
  if (c >= 0x100 && c <= 0x17F) return SmallLatinExtendedA(c);
  if (c >= 0x386 && c <= 0x3A9) return SmallGreek(c);
  if (c >= 0x400 && c <= 0x40F) return c + 0x50;  // Cyrillic "Ѐ".."Џ".
  if (c >= 0x410 && c <= 0x42F) return c + 0x20;  // Cyrillic "А".."Я".
  return c;
}

bool IsWrittenInCapitals(absl::string_view text, size_t min_capitals) {
  size_t capitals = 0;
  size_t length = 0;
  for (size_t i = 0; i < text.size(); i += length) {
    const char32_t c = DecodeUtf8At(text, i, length);
    if (IsCapitalLetter(c)) {
      ++capitals;
    } else if (c != ' ' && c != '.' && c != '\'' && c != '-' && c != '&' && c != U'\u2019') {
      return false;
    }
  }
  return capitals >= min_capitals;
}

std::string CaseBlind(absl::string_view text) {
  return IsValidUtf8(text) ? ToSmallLetters(text) : absl::AsciiStrToLower(text);
}

std::string ToSmallLetters(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t length = 0;
  for (size_t i = 0; i < text.size(); i += length) {
    AppendUtf8(SmallLetter(DecodeUtf8At(text, i, length)), out);
  }
  return out;
}

}  // namespace newswire
