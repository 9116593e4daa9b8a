#include "core/model/control_characters.h"

#include <cstddef>

#include "core/model/article.h"

namespace newswire {
namespace {

constexpr unsigned char kEsc = 0x1B;
constexpr unsigned char kBel = 0x07;
constexpr unsigned char kDel = 0x7F;
// C1 controls by code point (UTF-8: 0xC2, then the code point's byte).
constexpr unsigned char kNel = 0x85;
constexpr unsigned char kDcs = 0x90;
constexpr unsigned char kSos = 0x98;
constexpr unsigned char kCsi = 0x9B;
constexpr unsigned char kSt = 0x9C;
constexpr unsigned char kOsc = 0x9D;
constexpr unsigned char kPm = 0x9E;
constexpr unsigned char kApc = 0x9F;

unsigned char ByteAt(absl::string_view text, size_t i) {
  return static_cast<unsigned char>(text[i]);
}

// True if a C1 control (0xC2 0x80..0x9F) starts at byte `i`.
bool C1At(absl::string_view text, size_t i) {
  return ByteAt(text, i) == 0xC2 && i + 1 < text.size() && ByteAt(text, i + 1) >= 0x80 &&
         ByteAt(text, i + 1) <= 0x9F;
}

bool InRange(unsigned char c, unsigned char lo, unsigned char hi) { return c >= lo && c <= hi; }

// The end of a CSI whose parameters start at `i`: parameter bytes
// (0x30..0x3F), intermediate bytes (0x20..0x2F), a final byte (0x40..0x7E).
size_t SkipCsi(absl::string_view text, size_t i) {
  while (i < text.size() && InRange(ByteAt(text, i), 0x30, 0x3F)) ++i;
  while (i < text.size() && InRange(ByteAt(text, i), 0x20, 0x2F)) ++i;
  if (i < text.size() && InRange(ByteAt(text, i), 0x40, 0x7E)) ++i;
  return i;
}

// The end of a control string whose content starts at `i`: past its
// terminator (BEL, ESC \ or ST). `i` itself when another control or the
// end of the text comes first: then only the opener goes.
size_t SkipControlString(absl::string_view text, size_t i) {
  for (size_t j = i; j < text.size(); ++j) {
    const unsigned char c = ByteAt(text, j);
    if (c == kBel) return j + 1;
    if (c == kEsc) return j + 1 < text.size() && text[j + 1] == '\\' ? j + 2 : i;
    if (C1At(text, j)) return ByteAt(text, j + 1) == kSt ? j + 2 : i;
    if (c < 0x20 || c == kDel) return i;
  }
  return i;
}

// The end of an escape sequence whose ESC is just before `i`.
size_t SkipEscape(absl::string_view text, size_t i) {
  if (i >= text.size()) return i;
  switch (text[i]) {
    case '[':
      return SkipCsi(text, i + 1);
    case ']':
    case 'P':
    case 'X':
    case '^':
    case '_':
      return SkipControlString(text, i + 1);
    default:
      break;
  }
  size_t j = i;
  while (j < text.size() && InRange(ByteAt(text, j), 0x20, 0x2F)) ++j;
  if (j < text.size() && InRange(ByteAt(text, j), 0x30, 0x7E)) return j + 1;
  return i;  // A lone ESC.
}

}  // namespace

bool IsFreeOfControlCharacters(absl::string_view text, TextLines lines) {
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = ByteAt(text, i);
    if (c < 0x20) {
      if (lines == TextLines::kMany && (c == '\t' || c == '\n')) continue;
      return false;
    }
    if (c == kDel || C1At(text, i)) return false;
  }
  return true;
}

std::string RemoveControlCharacters(absl::string_view text, TextLines lines) {
  if (!IsValidUtf8(text)) return std::string(text);
  const bool many = lines == TextLines::kMany;
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = ByteAt(text, i);
    const bool c1 = C1At(text, i);
    if (c >= 0x20 && c != kDel && !c1) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    const unsigned char control = c1 ? ByteAt(text, i + 1) : c;
    i += c1 ? 2 : 1;
    switch (control) {
      case '\t':
        out.push_back(many ? '\t' : ' ');
        break;
      case '\n':
      case kNel:
        out.push_back(many ? '\n' : ' ');
        break;
      case '\r':
        out.push_back(many ? '\n' : ' ');
        if (i < text.size() && text[i] == '\n') ++i;
        break;
      case '\f':
      case '\v':
        out.push_back(' ');
        break;
      case kEsc:
        i = SkipEscape(text, i);
        break;
      case kCsi:
        i = SkipCsi(text, i);
        break;
      case kDcs:
      case kSos:
      case kOsc:
      case kPm:
      case kApc:
        i = SkipControlString(text, i);
        break;
      default:
        break;  // Removed.
    }
  }
  return out;
}

}  // namespace newswire
