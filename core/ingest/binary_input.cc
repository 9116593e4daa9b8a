#include "core/ingest/binary_input.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/ingest/decode.h"

namespace newswire {
namespace {

// A string literal's bytes, NULs included (without the terminating one).
template <size_t N>
constexpr absl::string_view Bytes(const char (&literal)[N]) {
  return absl::string_view(literal, N - 1);
}

struct Signature {
  absl::string_view bytes;
  size_t offset;  // Where in the file they stand.
  absl::string_view kind;
};

// Signatures that no article or feed starts with: each holds bytes that are
// not text, or a word no text opens with.
constexpr Signature kSignatures[] = {
    {Bytes("\x89PNG\r\n\x1A\n"), 0, "a PNG image"},
    {Bytes("\xFF\xD8\xFF"), 0, "a JPEG image"},
    {Bytes("GIF87a"), 0, "a GIF image"},
    {Bytes("GIF89a"), 0, "a GIF image"},
    {Bytes("II*\0"), 0, "a TIFF image"},
    {Bytes("MM\0*"), 0, "a TIFF image"},
    {Bytes("%PDF-"), 0, "a PDF document"},
    {Bytes("PK\x03\x04"), 0, "a ZIP archive"},
    {Bytes("PK\x05\x06"), 0, "a ZIP archive"},
    {Bytes("PK\x07\x08"), 0, "a ZIP archive"},
    {Bytes("\x1F\x8B"), 0, "gzip-compressed data"},
    {Bytes("BZh91AY&SY"), 0, "bzip2-compressed data"},
    {Bytes("\xFD" "7zXZ\0"), 0, "xz-compressed data"},
    {Bytes("7z\xBC\xAF\x27\x1C"), 0, "a 7-Zip archive"},
    {Bytes("\x28\xB5\x2F\xFD"), 0, "zstd-compressed data"},
    {Bytes("Rar!\x1A\x07"), 0, "a RAR archive"},
    {Bytes("ustar\0"), 257, "a tar archive"},
    {Bytes("ustar  \0"), 257, "a tar archive"},
    {Bytes("\x7F" "ELF"), 0, "an ELF executable"},
    {Bytes("\xFE\xED\xFA\xCE"), 0, "a Mach-O executable"},
    {Bytes("\xFE\xED\xFA\xCF"), 0, "a Mach-O executable"},
    {Bytes("\xCE\xFA\xED\xFE"), 0, "a Mach-O executable"},
    {Bytes("\xCF\xFA\xED\xFE"), 0, "a Mach-O executable"},
    {Bytes("\xCA\xFE\xBA\xBE"), 0, "a Java class file or Mach-O executable"},
    {Bytes("\0asm"), 0, "a WebAssembly module"},
    {Bytes("SQLite format 3\0"), 0, "an SQLite database"},
    {Bytes("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), 0, "an OLE document (old MS Office)"},
    {Bytes("OggS\0"), 0, "an Ogg media file"},
    {Bytes("fLaC"), 0, "a FLAC audio file"},
    {Bytes("\x1A\x45\xDF\xA3"), 0, "a Matroska or WebM video"},
    {Bytes("ftyp"), 4, "an MP4 or QuickTime media file"},
    {Bytes("ID3\x02"), 0, "an MP3 audio file"},
    {Bytes("ID3\x03"), 0, "an MP3 audio file"},
    {Bytes("ID3\x04"), 0, "an MP3 audio file"},
};

absl::Status Binary(absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("binary file, not an article or feed (", why, ")"));
}

// Controls that text does not hold in bulk: C0 but tab, LF, CR and form
// feed (ESC counts: it opens terminal escapes, one per several characters
// at most), and DEL.
bool IsBinaryControl(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || u == 0x7F;
}

}  // namespace

absl::Status CheckNotBinary(absl::string_view bytes, absl::string_view transport_charset) {
  for (const Signature& signature : kSignatures) {
    if (bytes.size() >= signature.offset &&
        absl::StartsWith(bytes.substr(signature.offset), signature.bytes)) {
      return Binary(signature.kind);
    }
  }
  // The sample as the parsers would read it: UTF-16 and UTF-32 text is
  // full of NUL bytes but holds no NUL character.
  const DecodedText sample =
      DecodeFeedBytes(bytes.substr(0, kBinarySampleBytes), transport_charset);
  bool wide = sample.encoding == "unicode";  // UTF-16, as browsers read the label.
  for (absl::string_view prefix : {"utf-16", "utf-32", "ucs-2", "ucs-4"}) {
    wide = wide || absl::StartsWith(sample.encoding, prefix);
  }
  const absl::string_view text = wide ? absl::string_view(sample.text) : bytes;
  if (const size_t nul = text.find('\0'); nul != absl::string_view::npos) {
    return Binary(wide ? absl::StrCat("a NUL character in ", sample.encoding, " text")
                       : absl::StrCat("a NUL byte at offset ", nul));
  }
  size_t controls = 0;
  for (char c : sample.text) controls += IsBinaryControl(c);
  if (!sample.text.empty() && controls * 10 > sample.text.size() * 3) {
    return Binary(absl::StrCat(controls * 100 / sample.text.size(), "% of the first ",
                               sample.text.size(), " bytes of text are control characters"));
  }
  return absl::OkStatus();
}

}  // namespace newswire
