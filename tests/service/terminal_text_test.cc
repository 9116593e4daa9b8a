// TerminalSafe, and every line the CLI prints for people: text a server
// sent raw (an older or a rogue one) shows each control escaped instead of
// being obeyed by the terminal.
#include "core/model/terminal_text.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "service/format.h"
#include "tests/core/hostile_text.h"

namespace newswire {
namespace {

// True if `text` holds a byte a terminal would take as a control: C0 but
// LF (and tab when `tabs`), DEL, or a C1 control in UTF-8.
bool HasRawControl(absl::string_view text, bool tabs = true) {
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\n' && !(tabs && c == '\t')) || c == 0x7F) return true;
    if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) < 0xA0) {
      return true;
    }
  }
  return false;
}

TEST(TerminalText, ControlsAreWrittenOutVisibly) {
  EXPECT_EQ(TerminalSafe("plain — “text” \\x1b", TextLines::kOne), "plain — “text” \\x1b");
  EXPECT_EQ(TerminalSafe(HostileLine(), TextLines::kOne),
            "Hostile\\x00 headline\\x07: \\x1b[31mRed alert\\x1b[0m now,\\u0085next "
            "\\u009b1mbold\\x7f end");
  EXPECT_EQ(TerminalSafe("a\tb\nc\r\n", TextLines::kOne), "a\\x09b\\x0ac\\x0d\\x0a");
  EXPECT_EQ(TerminalSafe("a\tb\nc\r\n", TextLines::kMany), "a\tb\nc\\x0d\n");
  // Bytes that are not UTF-8: a lone 0x9B is a CSI to an 8-bit terminal.
  EXPECT_EQ(TerminalSafe("a\x9b" "2Jb\xFF", TextLines::kOne), "a\\x9b2Jb\\xff");
}

TEST(TerminalText, BidiOverridesAndIsolatesAreWrittenOutVisibly) {
  // Shown raw, U+202E would show what follows it right to left.
  EXPECT_EQ(TerminalSafe("Safe \u202ekrow\u202c done", TextLines::kOne),
            "Safe \\u202ekrow\\u202c done");
  EXPECT_EQ(TerminalSafe("\u202a\u202b\u202d\u2066\u2067\u2068\u2069", TextLines::kMany),
            "\\u202a\\u202b\\u202d\\u2066\\u2067\\u2068\\u2069");
  // Their neighbours are text: marks (U+200E, U+200F), the dash, U+2065.
  EXPECT_EQ(TerminalSafe("\u200e\u200f \u2014 \u2029 \u2065 \u206a", TextLines::kOne),
            "\u200e\u200f \u2014 \u2029 \u2065 \u206a");
  // Right-to-left text itself is left as it is.
  EXPECT_EQ(TerminalSafe("\u05e9\u05dc\u05d5\u05dd", TextLines::kOne), "\u05e9\u05dc\u05d5\u05dd");
}

TEST(TerminalText, EveryLineTheCliPrintsIsSafe) {
  // As an older or rogue server might send it: nothing normalized.
  Article raw;
  raw.set_id("urn:example:\x1b]0;pwned\a1");
  raw.set_headline(HostileLine());
  raw.set_dateline(HostileLine("Kyiv"));
  raw.add_places()->set_name(HostileLine("Kyiv"));
  raw.add_keywords("key\nword");
  raw.set_body_text(absl::StrCat(HostileLine("First"), "\n\n\tSecond\r\n"));
  v1::FeedEvent event;
  event.set_sequence(7);
  event.set_kind(v1::EVENT_KIND_PUBLISHED);
  *event.mutable_article() = raw;
  v1::SearchHit hit;
  *hit.mutable_article() = raw;
  hit.set_snippet(HostileLine("Snippet"));

  const std::string line = FormatEventLine(event);
  EXPECT_FALSE(HasRawControl(line, /*tabs=*/false)) << line;
  EXPECT_FALSE(absl::StrContains(line, "\n"));
  EXPECT_TRUE(absl::StrContains(line, "\\x1b[31mRed alert")) << line;
  const std::string hit_text = FormatSearchHit(hit);
  EXPECT_FALSE(HasRawControl(hit_text)) << hit_text;
  const std::string article = FormatArticle(raw);
  EXPECT_FALSE(HasRawControl(article)) << article;
  EXPECT_TRUE(absl::StrContains(article, "\n\n\tSecond\\x0d\n")) << article;
  const std::string json = ToJsonLine(event);
  EXPECT_FALSE(HasRawControl(json)) << json;
  EXPECT_FALSE(absl::StrContains(json, "\n"));
}

}  // namespace
}  // namespace newswire
