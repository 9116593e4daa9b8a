// RemoveControlCharacters: what NormalizeArticle keeps of text that would
// command a terminal.
#include "core/model/control_characters.h"

#include <string>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"
#include "tests/core/hostile_text.h"

namespace newswire {
namespace {

std::string OneLine(absl::string_view text) {
  return RemoveControlCharacters(text, TextLines::kOne);
}

std::string ManyLines(absl::string_view text) {
  return RemoveControlCharacters(text, TextLines::kMany);
}

TEST(ControlCharacters, PlainTextIsLeftAlone) {
  for (absl::string_view text : {"", "Council approves tram line", "São Paulo — “Київ” …",
                                 "back\\slash [31m"}) {
    EXPECT_TRUE(IsFreeOfControlCharacters(text, TextLines::kOne)) << text;
    EXPECT_EQ(OneLine(text), text);
    EXPECT_EQ(ManyLines(text), text);
  }
}

TEST(ControlCharacters, C0C1AndDelAreRemoved) {
  EXPECT_EQ(OneLine(std::string("a\0b\ac\bd\x7f" "e\x01", 10)), "abcde");
  EXPECT_EQ(OneLine("a\xC2\x80" "b\xC2\x8A" "c\xC2\x9C"), "abc");
  EXPECT_EQ(OneLine(HostileLine()), "Hostile headline: Red alert now, next bold end");
}

TEST(ControlCharacters, WhitespaceControlsStayWhitespace) {
  EXPECT_EQ(OneLine("a\tb\nc\r\nd\re\fg\vh\xC2\x85i"), "a b c d e g h i");
  EXPECT_EQ(ManyLines("a\tb\nc\r\nd\re\fg\vh\xC2\x85i"), "a\tb\nc\nd\ne g h\ni");
  EXPECT_TRUE(IsFreeOfControlCharacters("a\tb\nc", TextLines::kMany));
  EXPECT_FALSE(IsFreeOfControlCharacters("a\tb", TextLines::kOne));
  EXPECT_FALSE(IsFreeOfControlCharacters("a\r\nb", TextLines::kMany));
}

TEST(ControlCharacters, EscapeSequencesGoWhole) {
  EXPECT_EQ(OneLine("\x1b[1;31mred\x1b[0m plain"), "red plain");
  EXPECT_EQ(OneLine("\x1b[?25lhidden cursor"), "hidden cursor");
  EXPECT_EQ(OneLine("\xC2\x9b" "2Jcleared"), "cleared");
  // Window titles and hyperlinks: control strings up to BEL or ST.
  EXPECT_EQ(OneLine("\x1b]0;pwned\x07title"), "title");
  EXPECT_EQ(OneLine("\x1b]8;;http://evil.example/\x1b\\link\x1b]8;;\x1b\\ text"), "link text");
  EXPECT_EQ(OneLine("\xC2\x9d" "0;pwned\xC2\x9c" "title"), "title");
  EXPECT_EQ(OneLine("\x1bP+q\x1b\\device"), "device");
  // Charset designations, two-byte escapes.
  EXPECT_EQ(OneLine("\x1b(Bascii \x1b" "7saved\x1b" "8"), "ascii saved");
}

TEST(ControlCharacters, UnfinishedSequencesLoseOnlyTheirControls) {
  EXPECT_EQ(OneLine("tail\x1b"), "tail");
  EXPECT_EQ(OneLine("\x1b[31"), "");
  // A control string without its terminator: only the opener goes.
  EXPECT_EQ(OneLine("\x1b]0;not a title"), "0;not a title");
  EXPECT_EQ(OneLine("\x1b]0;a\nb"), "0;a b");
}

TEST(ControlCharacters, InvalidUtf8IsKeptForValidationToRefuse) {
  EXPECT_EQ(OneLine("a\x9b" "b\xC2"), "a\x9b" "b\xC2");
  EXPECT_TRUE(IsFreeOfControlCharacters("a\x9b" "b\xC2", TextLines::kOne));
  // Removing the BEL or ESC would make these valid ("é", U+009B).
  EXPECT_EQ(OneLine("\xC3\a\xA9"), "\xC3\a\xA9");
  EXPECT_EQ(OneLine("\xC2\x1b\x9b" "1m"), "\xC2\x1b\x9b" "1m");
}

TEST(ControlCharacters, ResultIsFreeOfControlsAndStable) {
  const std::string pieces[] = {"a", "\x1b", "[", "3", "1m", "]", "\a", "\\", "\xC2\x9b",
                                "\xC2\x9d", "\xC2\x85", "\xC2\x9c", "\r", "\n", "\t", "é",
                                std::string(1, '\0'), "\x7f", "P", "\xC2", "\xA9"};
  uint32_t state = 1;
  for (int round = 0; round < 5000; ++round) {
    std::string text;
    for (int i = 0; i < 8; ++i) {
      state = state * 1103515245 + 12345;
      text += pieces[(state >> 16) % std::size(pieces)];
    }
    if (!IsValidUtf8(text)) continue;
    for (TextLines lines : {TextLines::kOne, TextLines::kMany}) {
      const std::string clean = RemoveControlCharacters(text, lines);
      EXPECT_TRUE(IsFreeOfControlCharacters(clean, lines)) << absl::CHexEscape(text);
      EXPECT_EQ(RemoveControlCharacters(clean, lines), clean) << absl::CHexEscape(text);
    }
  }
}

}  // namespace
}  // namespace newswire
