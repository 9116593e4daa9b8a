// A hostile article (NUL, BEL, terminal escapes, C1 controls, DEL) through
// every parser: what is stored holds no control character, whatever the
// format it came in.
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "core/ingest/feed.h"
#include "core/ingest/text.h"
#include "gtest/gtest.h"
#include "tests/core/hostile_text.h"

namespace newswire {
namespace {

// `text` as a JSON string literal, every control escaped as \uXXXX.
std::string JsonString(absl::string_view text) {
  std::string out = "\"";
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) < 0xA0) {
      absl::StrAppendFormat(&out, "\\u%04x", static_cast<unsigned char>(text[++i]));
    } else if (c < 0x20 || c == 0x7F) {
      absl::StrAppendFormat(&out, "\\u%04x", c);
    } else if (c == '"' || c == '\\') {
      absl::StrAppend(&out, "\\", std::string(1, static_cast<char>(c)));
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out + "\"";
}

// HostileLine without its NUL, which no XML document or text file may hold
// (the file would be binary).
std::string HostileLineWithoutNul(absl::string_view words = "Red alert") {
  return absl::StrReplaceAll(HostileLine(words), {{std::string(1, '\0'), ""}});
}

Article OnlyArticle(const std::string& bytes) {
  absl::StatusOr<Feed> feed = ParseFeed(bytes);
  EXPECT_TRUE(feed.ok()) << feed.status();
  if (!feed.ok() || feed->articles.size() != 1) {
    ADD_FAILURE() << "expected one article";
    return Article();
  }
  return feed->articles[0];
}

TEST(HostileInput, PlainTextArticle) {
  const std::string text = absl::StrCat(HostileLine(), "\n\nBy Jo\x1b[1m Bloggs\n\n",
                                        HostileLine("First"), "\n\nSecond\a paragraph.\n");
  absl::StatusOr<Article> article = ParseText(text);
  ASSERT_TRUE(article.ok()) << article.status();
  ExpectNoControlCharacters(*article);
  EXPECT_EQ(article->headline(), CleanLine());
  EXPECT_EQ(article->byline(), "Jo Bloggs");
  EXPECT_EQ(article->body_text(), absl::StrCat(CleanLine("First"), "\n\nSecond paragraph."));
}

TEST(HostileInput, PlainTextFileWithoutNul) {
  const std::string text = absl::StrCat(HostileLineWithoutNul(), "\n\n",
                                        HostileLineWithoutNul("First"), "\n\nSecond paragraph.");
  const Article article = OnlyArticle(text);
  ExpectNoControlCharacters(article);
  EXPECT_EQ(article.headline(), CleanLine());
}

TEST(HostileInput, PlainTextFileWithNulIsBinary) {
  const std::string text = absl::StrCat(HostileLine(), "\n\nBody.");
  EXPECT_EQ(ParseFeed(text).status().message(),
            "binary file, not an article or feed (a NUL byte at offset 7)");
}

TEST(HostileInput, Rss) {
  const std::string h = HostileLineWithoutNul();
  const Article article = OnlyArticle(absl::StrCat(
      "<rss version=\"2.0\"><channel><title>", h, "</title><item><title>", h,
      "</title><description>", HostileLineWithoutNul("First"),
      "</description><category>", h, "</category><dc:creator>", HostileLineWithoutNul("Jo"),
      "</dc:creator></item></channel></rss>"));
  ExpectNoControlCharacters(article);
  EXPECT_TRUE(absl::StrContains(article.headline(), "Red alert")) << article.headline();
}

TEST(HostileInput, RssHtmlWithCharacterReferences) {
  // Escaped HTML decodes to the controls themselves: "&#27;[31m".
  const Article article = OnlyArticle(
      "<rss version=\"2.0\"><channel><item><title>Plain title</title><description>"
      "&lt;p&gt;&amp;#27;[31mRed&amp;#7; &amp;#155;1mbold&amp;#127; "
      "&amp;#x85;end&lt;/p&gt;</description></item></channel></rss>");
  ExpectNoControlCharacters(article);
  EXPECT_TRUE(absl::StrContains(article.body_text(), "Red")) << article.body_text();
}

TEST(HostileInput, Atom) {
  const std::string h = HostileLineWithoutNul();
  const Article article = OnlyArticle(absl::StrCat(
      "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Feed</title><entry>"
      "<id>urn:example:atom-1</id><title>", h, "</title><author><name>",
      HostileLineWithoutNul("Jo"), "</name></author><content type=\"text\">",
      HostileLineWithoutNul("First"), "</content><category term=\"", h,
      "\"/></entry></feed>"));
  ExpectNoControlCharacters(article);
  EXPECT_TRUE(absl::StrContains(article.headline(), "Red alert")) << article.headline();
}

TEST(HostileInput, JsonFeed) {
  const Article article = OnlyArticle(absl::StrCat(
      R"({"version": "https://jsonfeed.org/version/1.1", "title": )", JsonString(HostileLine()),
      R"(, "items": [{"id": "urn:example:json-1", "title": )", JsonString(HostileLine()),
      R"(, "content_text": )", JsonString(HostileLine("First") + "\n\nSecond."),
      R"(, "authors": [{"name": )", JsonString(HostileLine("Jo")), R"(}], "tags": [)",
      JsonString(HostileLine("Tag")), "]}]}"));
  ExpectNoControlCharacters(article);
  EXPECT_EQ(article.headline(), CleanLine());
  EXPECT_EQ(article.body_text(), absl::StrCat(CleanLine("First"), "\n\nSecond."));
}

TEST(HostileInput, Ninjs) {
  const Article article = OnlyArticle(absl::StrCat(
      R"({"uri": "urn:example:ninjs-1", "headline": )", JsonString(HostileLine()),
      R"(, "body_text": )", JsonString(HostileLine("First")), R"(, "byline": )",
      JsonString(HostileLine("Jo")), R"(, "located": )", JsonString(HostileLine("Kyiv")),
      R"(, "place": [{"name": )", JsonString(HostileLine("Kyiv")), R"(}], "subject": [{"name": )",
      JsonString(HostileLine("Politics")), R"(, "code": "x\u001b[2Jy"}]})"));
  ExpectNoControlCharacters(article);
  EXPECT_EQ(article.headline(), CleanLine());
  ASSERT_EQ(article.places_size(), 1);
  EXPECT_EQ(article.places(0).name(), CleanLine("Kyiv"));
}

}  // namespace
}  // namespace newswire
