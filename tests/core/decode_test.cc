#include "core/ingest/decode.h"

#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "core/model/article.h"
#include "gtest/gtest.h"

namespace newswire {
namespace {

using namespace std::string_literals;  // NOLINT: "\0" inside literals.

TEST(Decode, Utf8PassesThroughAndLosesItsByteOrderMark) {
  DecodedText d = DecodeFeedBytes("\xEF\xBB\xBF<rss>caf\xC3\xA9</rss>");
  EXPECT_EQ(d.text, "<rss>caf\xC3\xA9</rss>");
  EXPECT_EQ(d.encoding, "utf-8");
  EXPECT_EQ(d.note, "");
}

TEST(Decode, Utf16And32AreReadWithOrWithoutAMark) {
  const std::string le16 = "<\0a\0>\0\xE9\0"s;  // "<a>é"
  EXPECT_EQ(DecodeFeedBytes("\xFF\xFE"s + le16).text, "<a>\xC3\xA9");
  EXPECT_EQ(DecodeFeedBytes("\xFF\xFE"s + le16).encoding, "utf-16le");
  EXPECT_EQ(DecodeFeedBytes(le16).text, "<a>\xC3\xA9");
  EXPECT_EQ(DecodeFeedBytes(le16).encoding, "utf-16le");
  const std::string be16 = "\0<\0a\0>\0\xE9"s;
  EXPECT_EQ(DecodeFeedBytes(be16).text, "<a>\xC3\xA9");
  EXPECT_EQ(DecodeFeedBytes("\xFE\xFF"s + be16).encoding, "utf-16be");
  const std::string le32 = "<\0\0\0a\0\0\0>\0\0\0"s;
  EXPECT_EQ(DecodeFeedBytes(le32).text, "<a>");
  EXPECT_EQ(DecodeFeedBytes("\xFF\xFE\0\0"s + le32).encoding, "utf-32le");
  EXPECT_EQ(DecodeFeedBytes("\0\0\0<\0\0\0a"s).text, "<a");
}

TEST(Decode, LatinLabelsReadAsWindows1252) {
  // 0x93/0x94 are curly quotes in windows-1252, C1 controls in ISO-8859-1:
  // feeds labelled ISO-8859-1 mean windows-1252.
  DecodedText d = DecodeFeedBytes(
      "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><t>\x93" "caf\xE9\x94</t>");
  EXPECT_EQ(d.text,
            "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><t>\xE2\x80\x9C" "caf\xC3\xA9\xE2\x80\x9D</t>");
  EXPECT_EQ(d.encoding, "iso-8859-1");
  EXPECT_EQ(d.note, "");
}

TEST(Decode, MislabelledWindows1252StillReadsAsText) {
  DecodedText d = DecodeFeedBytes("<?xml version='1.0' encoding='utf-8'?><t>\x93Hi\x94</t>");
  EXPECT_EQ(d.text, "<?xml version='1.0' encoding='utf-8'?><t>\xE2\x80\x9CHi\xE2\x80\x9D</t>");
  EXPECT_EQ(d.encoding, "windows-1252");
  EXPECT_EQ(d.note, "not valid UTF-8 at byte 41: read as windows-1252");
}

// UTF-8 text with one stray windows-1252 byte (0x92, a curly apostrophe):
// the valid characters stay, only the stray byte is read as windows-1252.
TEST(Decode, AStrayByteInUtf8TextIsReadAloneAsWindows1252) {
  const std::string bytes = "KYIV, Ukraine \xE2\x80\x94 Japan\x92s minister, caf\xC3\xA9";
  DecodedText d = DecodeFeedBytes(bytes);
  EXPECT_EQ(d.text,
            "KYIV, Ukraine \xE2\x80\x94 Japan\xE2\x80\x99s minister, caf\xC3\xA9");
  EXPECT_EQ(d.encoding, "utf-8");
  EXPECT_EQ(
      d.note,
      "not valid UTF-8 at byte 23 (1 invalid byte): those bytes read as windows-1252, "
      "the rest as UTF-8");
  // The same when the document says it is UTF-8, or the server does.
  DecodedText labelled = DecodeFeedBytes(bytes, "UTF-8");
  EXPECT_EQ(labelled.text, d.text);
  EXPECT_EQ(labelled.encoding, "utf-8");
}

TEST(Decode, TruncatedSequencesAreReadByteByByte) {
  // "\xE2\x80" lacks its third byte: each of the two is windows-1252 ("â€");
  // the valid "é" after it is kept.
  DecodedText d = DecodeFeedBytes("a\xE2\x80 b \xC3\xA9");
  EXPECT_EQ(d.text, "a\xC3\xA2\xE2\x82\xAC b \xC3\xA9");
  EXPECT_TRUE(absl::StrContains(d.note, "at byte 1 (2 invalid bytes)")) << d.note;
  // Every result is valid UTF-8.
  for (const char* bytes : {"\xFF", "\xC3", "\xF0\x9F\x98", "\xED\xA0\x80 \xC3\xA9",
                            "\xC0\xAF \xE2\x80\x94"}) {
    EXPECT_TRUE(IsValidUtf8(DecodeFeedBytes(bytes).text)) << absl::CHexEscape(bytes);
  }
}

TEST(Decode, TransportCharsetOverridesTheDeclaration) {
  DecodedText d = DecodeFeedBytes("<?xml version='1.0' encoding='utf-8'?><t>\xE9</t>",
                                  "ISO-8859-1");
  EXPECT_EQ(d.encoding, "iso-8859-1");
  EXPECT_EQ(d.text, "<?xml version='1.0' encoding='utf-8'?><t>\xC3\xA9</t>");
}

TEST(Decode, LegacyAsianCharsetsGoThroughIconv) {
  // "한" in EUC-KR is B0 A1... use a simple one: U+AC00 "가" = B0 A1.
  DecodedText d = DecodeFeedBytes("<?xml version=\"1.0\" encoding=\"euc-kr\"?><t>\xB0\xA1</t>");
  EXPECT_EQ(d.encoding, "euc-kr");
  EXPECT_EQ(d.text, "<?xml version=\"1.0\" encoding=\"euc-kr\"?><t>\xEA\xB0\x80</t>");
  // Bytes invalid in the charset become U+FFFD, and the note says so.
  DecodedText bad = DecodeFeedBytes("<t>\xFF\xFF</t>", "shift_jis");
  EXPECT_NE(bad.text.find("\xEF\xBF\xBD"), std::string::npos);
  EXPECT_EQ(bad.note, "bytes invalid in shift_jis were replaced by U+FFFD");
}

TEST(Decode, UnknownLabelFallsBackToUtf8) {
  DecodedText d = DecodeFeedBytes("<?xml version='1.0' encoding='x-no-such'?><t>ok</t>");
  EXPECT_EQ(d.encoding, "utf-8");
  EXPECT_EQ(d.note, "unknown encoding \"x-no-such\": read as utf-8");
  EXPECT_EQ(d.text, "<?xml version='1.0' encoding='x-no-such'?><t>ok</t>");
}

TEST(Decode, C1ControlsAreReadAsWindows1252) {
  std::string text = "don\xC2\x92t \xC2\x93q\xC2\x94 \xC2\x81 caf\xC3\xA9 \xC2\xA0";
  ReplaceC1Controls(text);
  // U+2019, U+201C, U+201D; 0x81 is undefined in windows-1252 and stays.
  EXPECT_EQ(text,
            "don\xE2\x80\x99t \xE2\x80\x9Cq\xE2\x80\x9D \xC2\x81 caf\xC3\xA9 \xC2\xA0");
  std::string plain = "no controls \xC2\xA9";
  ReplaceC1Controls(plain);
  EXPECT_EQ(plain, "no controls \xC2\xA9");
}

TEST(Decode, XmlDeclaredEncodingReadsEitherQuote) {
  EXPECT_EQ(XmlDeclaredEncoding("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"), "utf-8");
  EXPECT_EQ(XmlDeclaredEncoding("<?xml version='1.0' encoding = 'Big5' ?>"), "big5");
  EXPECT_EQ(XmlDeclaredEncoding("<?xml version='1.0'?>"), "");
  EXPECT_EQ(XmlDeclaredEncoding("<rss encoding='x'>"), "");
}

}  // namespace
}  // namespace newswire
