#include "core/ingest/decode.h"

#include <string>

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
