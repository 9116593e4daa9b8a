#include "core/ingest/url.h"

#include <string>

#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace newswire {
namespace {

// The base URI of RFC 3986 section 5.4.
constexpr absl::string_view kRfcBase = "http://a/b/c/d;p?q";

struct Example {
  absl::string_view reference;
  absl::string_view resolved;
};

TEST(ResolveUrl, RfcNormalExamples) {
  // RFC 3986 section 5.4.1.
  const Example kExamples[] = {
      {"g:h", "g:h"},
      {"g", "http://a/b/c/g"},
      {"./g", "http://a/b/c/g"},
      {"g/", "http://a/b/c/g/"},
      {"/g", "http://a/g"},
      {"//g", "http://g"},
      {"?y", "http://a/b/c/d;p?y"},
      {"g?y", "http://a/b/c/g?y"},
      {"#s", "http://a/b/c/d;p?q#s"},
      {"g#s", "http://a/b/c/g#s"},
      {"g?y#s", "http://a/b/c/g?y#s"},
      {";x", "http://a/b/c/;x"},
      {"g;x", "http://a/b/c/g;x"},
      {"g;x?y#s", "http://a/b/c/g;x?y#s"},
      {"", "http://a/b/c/d;p?q"},
      {".", "http://a/b/c/"},
      {"./", "http://a/b/c/"},
      {"..", "http://a/b/"},
      {"../", "http://a/b/"},
      {"../g", "http://a/b/g"},
      {"../..", "http://a/"},
      {"../../", "http://a/"},
      {"../../g", "http://a/g"},
  };
  for (const Example& example : kExamples) {
    EXPECT_EQ(ResolveUrl(kRfcBase, example.reference), example.resolved)
        << "reference \"" << example.reference << "\"";
  }
}

TEST(ResolveUrl, RfcAbnormalExamples) {
  // RFC 3986 section 5.4.2, with the strict parser's answer for "http:g".
  const Example kExamples[] = {
      {"../../../g", "http://a/g"},
      {"../../../../g", "http://a/g"},
      {"/./g", "http://a/g"},
      {"/../g", "http://a/g"},
      {"g.", "http://a/b/c/g."},
      {".g", "http://a/b/c/.g"},
      {"g..", "http://a/b/c/g.."},
      {"..g", "http://a/b/c/..g"},
      {"./../g", "http://a/b/g"},
      {"./g/.", "http://a/b/c/g/"},
      {"g/./h", "http://a/b/c/g/h"},
      {"g/../h", "http://a/b/c/h"},
      {"g;x=1/./y", "http://a/b/c/g;x=1/y"},
      {"g;x=1/../y", "http://a/b/c/y"},
      {"g?y/./x", "http://a/b/c/g?y/./x"},
      {"g?y/../x", "http://a/b/c/g?y/../x"},
      {"g#s/./x", "http://a/b/c/g#s/./x"},
      {"g#s/../x", "http://a/b/c/g#s/../x"},
      {"http:g", "http:g"},
  };
  for (const Example& example : kExamples) {
    EXPECT_EQ(ResolveUrl(kRfcBase, example.reference), example.resolved)
        << "reference \"" << example.reference << "\"";
  }
}

TEST(ResolveUrl, NetworkPathReferenceRemovesDotSegments) {
  EXPECT_EQ(ResolveUrl("https://news.example/a/b", "//cdn.example/x/../img.jpg"),
            "https://cdn.example/img.jpg");
  EXPECT_EQ(ResolveUrl("https://news.example/a/b", "//cdn.example"),
            "https://cdn.example");
}

TEST(ResolveUrl, BaseWithoutPath) {
  EXPECT_EQ(ResolveUrl("https://news.example", "story.html"),
            "https://news.example/story.html");
  EXPECT_EQ(ResolveUrl("https://news.example", "./a/../story.html"),
            "https://news.example/story.html");
  EXPECT_EQ(ResolveUrl("https://news.example", "/feed"), "https://news.example/feed");
  EXPECT_EQ(ResolveUrl("https://news.example", "?page=2"), "https://news.example?page=2");
  EXPECT_EQ(ResolveUrl("https://news.example", "#top"), "https://news.example#top");
}

TEST(ResolveUrl, BaseWithQueryAndFragment) {
  const absl::string_view base = "https://news.example/world/index.php?id=7&p=2#c";
  EXPECT_EQ(ResolveUrl(base, "story-8"), "https://news.example/world/story-8");
  EXPECT_EQ(ResolveUrl(base, "?id=8"), "https://news.example/world/index.php?id=8");
  EXPECT_EQ(ResolveUrl(base, "#comments"),
            "https://news.example/world/index.php?id=7&p=2#comments");
  EXPECT_EQ(ResolveUrl(base, ""), "https://news.example/world/index.php?id=7&p=2");
}

TEST(ResolveUrl, TrimsSurroundingWhitespaceAndKeepsInnerSpaces) {
  EXPECT_EQ(ResolveUrl("https://news.example/world/", "  \n\tstory.html \r\n"),
            "https://news.example/world/story.html");
  EXPECT_EQ(ResolveUrl("  https://news.example/world/  ", "my story.html"),
            "https://news.example/world/my story.html");
  EXPECT_EQ(ResolveUrl("https://news.example/", "  https://other.example/x  "),
            "https://other.example/x");
}

TEST(ResolveUrl, ReturnsReferenceWhenBaseCannotResolveIt) {
  EXPECT_EQ(ResolveUrl("", " ../story.html "), "../story.html");
  EXPECT_EQ(ResolveUrl("/world/", "story.html"), "story.html");
  EXPECT_EQ(ResolveUrl("//news.example/world/", "story.html"), "story.html");
}

TEST(ResolveUrl, AbsoluteReferenceIsNotNormalized) {
  EXPECT_EQ(ResolveUrl(kRfcBase, "HTTP://Other.example/a/../b"),
            "HTTP://Other.example/a/../b");
  EXPECT_EQ(ResolveUrl(kRfcBase, "mailto:desk@news.example"), "mailto:desk@news.example");
}

TEST(IsAbsoluteUrl, RequiresAValidSchemeAndColon) {
  EXPECT_TRUE(IsAbsoluteUrl("http://a/b"));
  EXPECT_TRUE(IsAbsoluteUrl("mailto:desk@news.example"));
  EXPECT_TRUE(IsAbsoluteUrl("urn:newswire:abc"));
  EXPECT_TRUE(IsAbsoluteUrl("svn+ssh://host/repo"));
  EXPECT_TRUE(IsAbsoluteUrl("a1.-+:"));
  EXPECT_FALSE(IsAbsoluteUrl(""));
  EXPECT_FALSE(IsAbsoluteUrl(":foo"));
  EXPECT_FALSE(IsAbsoluteUrl("1http://a"));
  EXPECT_FALSE(IsAbsoluteUrl("//a/b"));
  EXPECT_FALSE(IsAbsoluteUrl("/a:b"));
  EXPECT_FALSE(IsAbsoluteUrl("a b:c"));
  EXPECT_FALSE(IsAbsoluteUrl("story.html"));
  EXPECT_FALSE(IsAbsoluteUrl(" http://a/b"));
}

TEST(IsSafeLinkUrl, AllowsWebMailAndPhoneSchemes) {
  EXPECT_TRUE(IsSafeLinkUrl("http://news.example/"));
  EXPECT_TRUE(IsSafeLinkUrl("HTTPS://news.example/"));
  EXPECT_TRUE(IsSafeLinkUrl("mailto:desk@news.example"));
  EXPECT_TRUE(IsSafeLinkUrl("ftp://files.example/a"));
  EXPECT_TRUE(IsSafeLinkUrl("tel:+15551234"));
}

TEST(IsSafeLinkUrl, AllowsRelativeReferences) {
  EXPECT_TRUE(IsSafeLinkUrl(""));
  EXPECT_TRUE(IsSafeLinkUrl("story.html"));
  EXPECT_TRUE(IsSafeLinkUrl("/world/story.html?a=b:c"));
  EXPECT_TRUE(IsSafeLinkUrl("//cdn.example/img.jpg"));
  EXPECT_TRUE(IsSafeLinkUrl("#top"));
  EXPECT_TRUE(IsSafeLinkUrl("?q=javascript:alert(1)"));
  EXPECT_TRUE(IsSafeLinkUrl("./javascript:alert(1)"));
}

TEST(IsSafeLinkUrl, RejectsScriptAndDataSchemes) {
  EXPECT_FALSE(IsSafeLinkUrl("javascript:alert(1)"));
  EXPECT_FALSE(IsSafeLinkUrl("JavaScript:alert(1)"));
  EXPECT_FALSE(IsSafeLinkUrl("data:text/html;base64,PHNjcmlwdD4="));
  EXPECT_FALSE(IsSafeLinkUrl("vbscript:msgbox(1)"));
  EXPECT_FALSE(IsSafeLinkUrl("file:///etc/passwd"));
  EXPECT_FALSE(IsSafeLinkUrl("httpx://news.example/"));
  EXPECT_FALSE(IsSafeLinkUrl("http-equiv:x"));
}

TEST(IsSafeLinkUrl, SeesThroughWhitespaceAndControlCharactersAsBrowsersDo) {
  EXPECT_FALSE(IsSafeLinkUrl("  javascript:alert(1)"));
  EXPECT_FALSE(IsSafeLinkUrl("\x01\x1f\n javascript:alert(1)"));
  EXPECT_FALSE(IsSafeLinkUrl(absl::string_view("\0javascript:alert(1)", 20)));
  EXPECT_FALSE(IsSafeLinkUrl("java\tscript:alert(1)"));
  EXPECT_FALSE(IsSafeLinkUrl("java\nscr\ript:alert(1)"));
  EXPECT_FALSE(IsSafeLinkUrl("javascript\t:alert(1)"));
  EXPECT_TRUE(IsSafeLinkUrl("  https://news.example/"));
  EXPECT_TRUE(IsSafeLinkUrl("ht\ttp://news.example/"));
}

TEST(Url, NormalizeLowersSchemeAndHostAndGivesWebUrlsAPath) {
  EXPECT_EQ(NormalizeUrl("HTTP://Example.COM"), "http://example.com/");
  EXPECT_EQ(NormalizeUrl("https://www.Dicas-L.com.br/Dicas/A.php?Q=B#F"),
            "https://www.dicas-l.com.br/Dicas/A.php?Q=B#F");
  EXPECT_EQ(NormalizeUrl("http://User@Host.org:8080"), "http://User@host.org:8080/");
  EXPECT_EQ(NormalizeUrl("mailto:Jo@Example.org"), "mailto:Jo@Example.org");
  EXPECT_EQ(NormalizeUrl("ftp://Files.Example.org"), "ftp://files.example.org");
  EXPECT_EQ(NormalizeUrl("  /relative/Path "), "/relative/Path");
}

}  // namespace
}  // namespace newswire
