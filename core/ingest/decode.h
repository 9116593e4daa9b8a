// Turning the bytes of a feed into UTF-8 text.
//
// Feeds arrive in every encoding publishers have ever used, often
// mislabelled. DecodeFeedBytes works out which one a document is in and
// converts it, so every parser after it sees valid UTF-8 only.
#ifndef NEWSWIRE_CORE_INGEST_DECODE_H_
#define NEWSWIRE_CORE_INGEST_DECODE_H_

#include <string>

#include "absl/strings/string_view.h"

namespace newswire {

struct DecodedText {
  std::string text;      // UTF-8, byte order mark removed.
  // The encoding the document is in, as labelled (lowercase, e.g. "utf-8",
  // "utf-16le", "iso-8859-1", "euc-kr"), or "windows-1252" when a label
  // turned out wrong and the bytes were read as that instead.
  std::string encoding;
  // Why the bytes were not read as labelled, empty when they were: an
  // unknown label, or bytes that are invalid in the labelled encoding.
  std::string note;
};

// Decodes `bytes`, choosing the encoding in this order:
//  1. a byte order mark (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE);
//  2. `transport_charset`, the charset the bytes were served with (HTTP
//     Content-Type), when not empty;
//  3. UTF-16/32 without a mark, recognised by how "<?xml" or "{" is laid out;
//  4. the XML declaration's encoding="...";
//  5. UTF-8.
// Labels are read as browsers read them: "iso-8859-1", "latin1" and
// "us-ascii" are decoded as windows-1252 (their superset, which is what such
// feeds really contain), "gb2312" as GBK, "euc-kr" as windows-949, "big5" as
// Big5-HKSCS. If the label is UTF-8, absent or unknown and the bytes are not
// valid UTF-8, they are read sequence by sequence: well-formed UTF-8 stays as
// it is and only the bytes that start no well-formed sequence are read as
// windows-1252 (a stray 0x92 in UTF-8 text becomes U+2019, and "—" around it
// stays "—"); bytes with no well-formed multibyte sequence at all are
// windows-1252 throughout (`encoding` says "windows-1252"), so a mislabelled
// feed still reads as text. Bytes invalid in any other encoding become
// U+FFFD. Either way `note` says so, with the offset of the first bad byte. Never fails: every byte string decodes to something.
DecodedText DecodeFeedBytes(absl::string_view bytes,
                            absl::string_view transport_charset = "");

// Replaces, in UTF-8 `text`, each C1 control character (U+0080..U+009F) by
// the windows-1252 character of the same byte value: U+0092 becomes U+2019
// RIGHT SINGLE QUOTATION MARK, as browsers read "&#146;". No feed means a C1
// control literally; they are windows-1252 text that went through an
// ISO-8859-1 decoder, or numeric references written by one ("&#146;"). The
// five bytes windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D)
// stay as they are.
void ReplaceC1Controls(std::string& text);

// Returns the encoding label of an XML declaration at the start of `text`
// (`<?xml version="1.0" encoding="LABEL"?>`), lowercase; empty if none.
std::string XmlDeclaredEncoding(absl::string_view text);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_INGEST_DECODE_H_
