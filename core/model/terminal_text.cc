#include "core/model/terminal_text.h"

#include "absl/strings/str_format.h"
#include "core/model/article.h"

namespace newswire {
namespace {

// Of the explicit bidi controls, the code point `character` (one UTF-8
// sequence) is, or 0: U+202A-202E are E2 80 AA-AE, U+2066-2069 E2 81 A6-A9.
char32_t BidiControl(absl::string_view character) {
  if (character.size() != 3 || character[0] != '\xE2') return 0;
  const auto second = static_cast<unsigned char>(character[1]);
  const auto third = static_cast<unsigned char>(character[2]);
  if ((second == 0x80 && third >= 0xAA && third <= 0xAE) ||
      (second == 0x81 && third >= 0xA6 && third <= 0xA9)) {
    return 0x2000 | ((second & 0x3F) << 6) | (third & 0x3F);
  }
  return 0;
}

bool HasBidiControl(absl::string_view text) {
  for (size_t i = text.find('\xE2'); i != absl::string_view::npos;
       i = text.find('\xE2', i + 1)) {
    if (BidiControl(text.substr(i, 3)) != 0) return true;
  }
  return false;
}

}  // namespace

std::string TerminalSafe(absl::string_view text, TextLines lines) {
  if (IsFreeOfControlCharacters(text, lines) && IsValidUtf8(text) && !HasBidiControl(text))
    return std::string(text);
  std::string out;
  out.reserve(text.size() + 16);
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const size_t length = Utf8SequenceLength(text, i);
    if (length == 0) {
      absl::StrAppendFormat(&out, "\\x%02x", c);
      ++i;
      continue;
    }
    const absl::string_view character = text.substr(i, length);
    i += length;
    if (const char32_t bidi = BidiControl(character); bidi != 0) {
      absl::StrAppendFormat(&out, "\\u%04x", static_cast<uint32_t>(bidi));
    } else if (IsFreeOfControlCharacters(character, lines)) {
      out.append(character.data(), character.size());
    } else if (length == 1) {
      absl::StrAppendFormat(&out, "\\x%02x", c);
    } else {  // A C1 control: 0xC2, then its code point.
      absl::StrAppendFormat(&out, "\\u%04x", static_cast<unsigned char>(character[1]));
    }
  }
  return out;
}

}  // namespace newswire
