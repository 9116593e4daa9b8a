// Text received from a server, read from a file or sent by a client, made
// safe to write to a terminal or a log line.
//
// A terminal obeys the control characters it is sent: ESC sequences move
// the cursor, recolour, retitle the window or worse; C1 controls do the
// same on many terminals. Articles stored by a newswire server hold none
// (NormalizeArticle), but the CLI does not trust what it receives: every
// value it prints for people goes through TerminalSafe, as every value the
// server's event log writes does (core/base/event_log.h).
#ifndef NEWSWIRE_CORE_MODEL_TERMINAL_TEXT_H_
#define NEWSWIRE_CORE_MODEL_TERMINAL_TEXT_H_

#include <string>

#include "absl/strings/string_view.h"
#include "core/model/control_characters.h"

namespace newswire {

// Returns `text` with each control character written out visibly instead:
// C0 controls and DEL as "\xNN" ("\x1b", "\x07", "\x7f"), C1 controls as
// "\uNNNN" ("\u009b"), and each byte that starts no well-formed UTF-8
// sequence as "\xNN" too (a lone 0x9B byte is a CSI to an 8-bit terminal),
// and Unicode's explicit bidirectional embeddings, overrides and isolates
// (U+202A-202E, U+2066-2069) as "\uNNNN": they reorder the rest of the line
// as shown, so a line could read other than it is ("Trojan Source").
// kMany text keeps its tabs and LFs; in kOne text they are escaped as well,
// so the result stays on one line. Everything else, a backslash included,
// is left as it is.
std::string TerminalSafe(absl::string_view text, TextLines lines);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_MODEL_TERMINAL_TEXT_H_
