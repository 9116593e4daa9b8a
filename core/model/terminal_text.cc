#include "core/model/terminal_text.h"

#include "absl/strings/str_format.h"
#include "core/model/article.h"

namespace newswire {

std::string TerminalSafe(absl::string_view text, TextLines lines) {
  if (IsFreeOfControlCharacters(text, lines) && IsValidUtf8(text)) return std::string(text);
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
    if (IsFreeOfControlCharacters(character, lines)) {
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
