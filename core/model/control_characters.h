// Control characters in article text.
//
// Text that reaches a reader's terminal or screen must not carry commands
// for it: NUL, BEL, terminal escape sequences ("\x1b[31m"), DEL and the C1
// controls (U+0080..U+009F, which some terminals obey like ESC sequences).
// NormalizeArticle removes them from every string field of every article,
// whichever edge it came from, through RemoveControlCharacters.
#ifndef NEWSWIRE_CORE_MODEL_CONTROL_CHARACTERS_H_
#define NEWSWIRE_CORE_MODEL_CONTROL_CHARACTERS_H_

#include <string>

#include "absl/strings/string_view.h"

namespace newswire {

// Whether a field may hold line breaks: body_text and body_html may
// (kMany); headline, byline, ids, entity names and every other field may
// not (kOne).
enum class TextLines { kOne, kMany };

// Returns `text` without control characters:
//  - whitespace controls stay whitespace: in kMany text, tab and LF are
//    kept, CRLF and a lone CR become LF, and NEL (U+0085, "next line")
//    becomes LF; in kOne text each of them becomes a space. Form feed and
//    vertical tab become a space in both;
//  - a terminal escape sequence goes whole, not only its ESC: a CSI
//    ("ESC [" or U+009B, parameters, a final byte: "\x1b[31m"), a control
//    string (ESC ] P X ^ _ or U+009D U+0090 U+0098 U+009E U+009F, up to BEL,
//    "ESC \" or U+009C; without that terminator only its opener goes), and
//    the other escapes (ESC, intermediate bytes 0x20..0x2F, one final byte);
//  - every other C0 control (U+0000..U+001F), DEL (U+007F) and C1 control
//    (U+0080..U+009F) is removed.
// Everything else is kept as it is. For valid UTF-8 `text` the result is
// valid UTF-8 that holds no control character but tab and LF (kMany), so
// applying this again changes nothing. Text that is not valid UTF-8 is
// returned unchanged: removing a byte could make it valid (a control
// between a lead byte and its continuation), and ValidateArticle is to
// refuse it, naming the first bad byte, as it would have.
std::string RemoveControlCharacters(absl::string_view text, TextLines lines);

// True if `text` holds no control character that RemoveControlCharacters
// removes or replaces (for valid UTF-8: RemoveControlCharacters(text, lines)
// == text). Cheaper than calling it: most text has nothing to remove.
bool IsFreeOfControlCharacters(absl::string_view text, TextLines lines);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_MODEL_CONTROL_CHARACTERS_H_
