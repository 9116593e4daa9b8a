// Refusing input that is not text at all.
//
// Files dropped into ingest or named on the command line are sometimes
// images, archives or programs. Read as text, such bytes would become an
// article whose headline is "‰PNG", or fail deep in a parser with a message
// that does not say what happened ("Document is empty"). ParseFeed and
// DetectFeedFormat call CheckNotBinary before anything else.
#ifndef NEWSWIRE_CORE_INGEST_BINARY_INPUT_H_
#define NEWSWIRE_CORE_INGEST_BINARY_INPUT_H_

#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace newswire {

// Bytes at the start of the input that the share of control characters is
// measured over.
inline constexpr size_t kBinarySampleBytes = 8192;

// Returns INVALID_ARGUMENT "binary file, not an article or feed (WHY)"
// when `bytes` are clearly not text, WHY naming what gave them away:
//  - a known file signature at the start: PNG, JPEG, GIF, TIFF, PDF, ZIP,
//    gzip, bzip2, xz, 7z, zstd, RAR, tar, ELF, Mach-O, Java class,
//    WebAssembly, SQLite, OLE (old MS Office), Ogg, FLAC, Matroska, MP4,
//    MP3 with an ID3 tag;
//  - a NUL character: anywhere in the bytes; for text in UTF-16 or UTF-32
//    (as DecodeFeedBytes reads it, with `transport_charset`), in the text
//    of the first kBinarySampleBytes decoded;
//  - more than 30% of the first kBinarySampleBytes, decoded, being C0
//    control characters other than tab, LF, CR and form feed, or DEL.
// Else OK: text in any encoding DecodeFeedBytes reads, invalid UTF-8 and
// stray control characters included (NormalizeArticle removes those).
absl::Status CheckNotBinary(absl::string_view bytes, absl::string_view transport_charset = "");

}  // namespace newswire

#endif  // NEWSWIRE_CORE_INGEST_BINARY_INPUT_H_
