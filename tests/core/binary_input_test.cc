// CheckNotBinary, and ParseFeed refusing binary input before any parser
// sees it.
#include "core/ingest/binary_input.h"

#include <string>

#include "absl/strings/match.h"
#include "core/ingest/feed.h"
#include "gtest/gtest.h"

namespace newswire {
namespace {

using namespace std::string_literals;  // NOLINT: "\0" inside literals.

constexpr char kBinary[] = "binary file, not an article or feed";

// `ascii` in UTF-16LE.
std::string Utf16Le(absl::string_view ascii) {
  std::string out;
  for (char c : ascii) out += {c, '\0'};
  return out;
}

// The message ParseFeed fails with, or "parsed".
std::string ParseError(const std::string& bytes, const std::string& charset = "") {
  absl::StatusOr<Feed> feed = ParseFeed(bytes, {.base_url = "", .charset = charset});
  return feed.ok() ? "parsed" : std::string(feed.status().message());
}

TEST(BinaryInput, PngWithAShortFirstLineIsRefusedBeforeParsing) {
  // Read as text, this was an article headlined "‰PNG".
  const std::string png = "\x89PNG\r\n\x1A\nIHDR short\n\nMore bytes that look like text."s;
  EXPECT_EQ(CheckNotBinary(png).message(), absl::StrCat(kBinary, " (a PNG image)"));
  EXPECT_EQ(ParseError(png), absl::StrCat(kBinary, " (a PNG image)"));
  EXPECT_EQ(DetectFeedFormat(png).status().message(), absl::StrCat(kBinary, " (a PNG image)"));
}

TEST(BinaryInput, KnownSignaturesAreNamed) {
  const std::pair<std::string, std::string> files[] = {
      {"\xFF\xD8\xFF\xE0rest of a JPEG", "a JPEG image"},
      {"GIF89a headline-like bytes", "a GIF image"},
      {"%PDF-1.7\nHeadline\n\nBody.", "a PDF document"},
      {"PK\x03\x04zip entry", "a ZIP archive"},
      {"\x1F\x8B\x08 gzip", "gzip-compressed data"},
      {"\x7F" "ELF\x02\x01\x01", "an ELF executable"},
      {"SQLite format 3\0"s, "an SQLite database"},
      {std::string(257, ' ') + "ustar\0"s, "a tar archive"},
  };
  for (const auto& [bytes, kind] : files) {
    EXPECT_EQ(ParseError(bytes), absl::StrCat(kBinary, " (", kind, ")")) << kind;
  }
}

TEST(BinaryInput, NulBytesMakeInputBinary) {
  // Was "Document is empty": a NUL beside the first byte read as UTF-16 XML.
  const std::string twelve = "\x01\0\x02\x03\x04\x05\x06\x07\x08\x09\x0A\x0B"s;
  ASSERT_EQ(twelve.size(), 12u);
  EXPECT_EQ(ParseError(twelve), absl::StrCat(kBinary, " (a NUL byte at offset 1)"));
  const std::string late = "Headline\n\nA body" + std::string(20000, 'x') + "\0"s;
  EXPECT_EQ(ParseError(late), absl::StrCat(kBinary, " (a NUL byte at offset 20016)"));
}

TEST(BinaryInput, AHighShareOfControlBytesIsBinary) {
  const std::string noise = "\x01\x02\x03\x04\x05\x06\x0E\x0F" "Title\x10\x11\x12";
  EXPECT_TRUE(absl::StartsWith(ParseError(noise), kBinary)) << ParseError(noise);
  EXPECT_TRUE(absl::StrContains(ParseError(noise), "% of the first 16 bytes of text"));
}

TEST(BinaryInput, TextWithSomeControlsIsNotBinary) {
  // Terminal colours, a BEL and DEL: a hostile article, not a binary file.
  EXPECT_TRUE(CheckNotBinary("\x1b[31mRed\x1b[0m alert\a\x7f\n\nThe body goes on here.").ok());
  // Form feeds and CRLF are text.
  EXPECT_TRUE(CheckNotBinary("Headline\r\n\f\r\nBody.\r\n").ok());
  // windows-1252 and invalid UTF-8 stay text (DecodeFeedBytes reads them).
  EXPECT_TRUE(CheckNotBinary("Caf\xE9 \x93quoted\x94 \x85\n\nBody \x9B.").ok());
  EXPECT_EQ(ParseError("Caf\xE9 opens\n\nIt opened today."), "parsed");
}

TEST(BinaryInput, Utf16TextIsNotBinary) {
  const std::string rss = Utf16Le(
      "<?xml version=\"1.0\" encoding=\"utf-16\"?><rss version=\"2.0\"><channel><title>T</title>"
      "<item><title>Wide headline</title><description>Body.</description></item>"
      "</channel></rss>");
  for (const std::string& bytes : {"\xFF\xFE"s + rss, rss}) {
    EXPECT_TRUE(CheckNotBinary(bytes).ok());
    absl::StatusOr<Feed> feed = ParseFeed(bytes);
    ASSERT_TRUE(feed.ok()) << feed.status();
    ASSERT_EQ(feed->articles.size(), 1u);
    EXPECT_EQ(feed->articles[0].headline(), "Wide headline");
  }
  // Labelled by the transport, with nothing before '<' to sniff.
  EXPECT_TRUE(CheckNotBinary(Utf16Le("\n\n<rss/>"), "utf-16le").ok());
  EXPECT_FALSE(CheckNotBinary(Utf16Le("\n\n<rss/>")).ok());
}

TEST(BinaryInput, NulCharactersInUtf16TextAreBinary) {
  const std::string bytes = "\xFF\xFE"s + Utf16Le("<rss>") + "\0\0"s + Utf16Le("</rss>");
  EXPECT_EQ(CheckNotBinary(bytes).message(),
            absl::StrCat(kBinary, " (a NUL character in utf-16le text)"));
}

}  // namespace
}  // namespace newswire
