#include "core/base/quote_input.h"

#include <string>

#include "gtest/gtest.h"

namespace newswire {
namespace {

TEST(QuoteInput, ShortValuesAreQuotedWhole) {
  EXPECT_EQ(QuoteInput(""), "\"\"");
  EXPECT_EQ(QuoteInput("urn:newswire:1"), "\"urn:newswire:1\"");
  EXPECT_EQ(QuoteInput("Zürich"), "\"Zürich\"");
}

TEST(QuoteInput, ControlCharactersAndQuotesAreEscaped) {
  EXPECT_EQ(QuoteInput(std::string("a\nb\x01\"\\", 6)), "\"a\\nb\\x01\\\"\\\\\"");
}

TEST(QuoteInput, LongValuesAreCutWithAnEllipsis) {
  const std::string quoted = QuoteInput(std::string(20 << 10, 'x'));
  EXPECT_EQ(quoted, "\"" + std::string(kMaxQuotedInputBytes, 'x') + "\"…");
  EXPECT_EQ(QuoteInput(std::string(kMaxQuotedInputBytes, 'x')),
            "\"" + std::string(kMaxQuotedInputBytes, 'x') + "\"");
}

TEST(QuoteInput, TheCutNeverSplitsACharacter) {
  // 63 ASCII bytes, then "é" (2 bytes) straddling the 64-byte cut.
  const std::string value = std::string(63, 'a') + "é" + "tail";
  EXPECT_EQ(QuoteInput(value), "\"" + std::string(63, 'a') + "\"…");
}

TEST(QuoteInput, EscapedOutputStaysBounded) {
  const std::string quoted = QuoteInput(std::string(1000, '\x01'));
  EXPECT_LE(quoted.size(), 4 * kMaxQuotedInputBytes + 5);
}

}  // namespace
}  // namespace newswire
