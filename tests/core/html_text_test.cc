#include "core/ingest/html_text.h"

#include <libxml/xmlerror.h>

#include <cstddef>
#include <iterator>
#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/escaping.h"
#include "gtest/gtest.h"

namespace newswire {
namespace {

constexpr absl::string_view kBase = "https://news.example/world/storm.html";

std::string TextOf(absl::string_view html) { return ConvertHtml(html, "").text; }
std::string HtmlOf(absl::string_view html) { return ConvertHtml(html, kBase).html; }

size_t CountOf(absl::string_view haystack, absl::string_view needle) {
  size_t count = 0;
  for (size_t at = haystack.find(needle); at != absl::string_view::npos;
       at = haystack.find(needle, at + needle.size())) {
    ++count;
  }
  return count;
}

TEST(ConvertHtml, ParagraphsBecomeBlankLineSeparatedText) {
  const HtmlContent content = ConvertHtml("<p>First one.</p>\n\n<p>Second one.</p>", "");
  EXPECT_EQ(content.text, "First one.\n\nSecond one.");
  EXPECT_EQ(content.html, "<p>First one.</p>\n\n<p>Second one.</p>");
}

TEST(ConvertHtml, LineBreaksEndParagraphs) {
  const HtmlContent content =
      ConvertHtml("Line one<br>Line two<br><br>Line three<br/>", "");
  EXPECT_EQ(content.text, "Line one\n\nLine two\n\nLine three");
  EXPECT_EQ(content.html, "Line one<br>Line two<br><br>Line three<br>");
}

TEST(ConvertHtml, NestedBlocksEachEndAParagraph) {
  EXPECT_EQ(TextOf("<div><div>a<div>b</div>c</div><section>d</section></div>"),
            "a\n\nb\n\nc\n\nd");
  EXPECT_EQ(TextOf("<h2>Heading</h2>Text<hr>More<blockquote>Quote</blockquote>"),
            "Heading\n\nText\n\nMore\n\nQuote");
}

TEST(ConvertHtml, InlineElementsDoNotBreakWords) {
  EXPECT_EQ(TextOf("<p>The <b>big</b> <i>story</i>, <a href=x>now</a>.</p>"),
            "The big story, now.");
  EXPECT_EQ(TextOf("un<em>believ</em>able"), "unbelievable");
}

TEST(ConvertHtml, ListsGiveOneParagraphPerItem) {
  const HtmlContent content = ConvertHtml("<ul><li>One<li>Two</ul><ol><li>Three", "");
  EXPECT_EQ(content.text, "One\n\nTwo\n\nThree");
  EXPECT_EQ(content.html, "<ul><li>One</li><li>Two</li></ul><ol><li>Three</li></ol>");
  EXPECT_EQ(TextOf("<dl><dt>Term<dd>Definition</dl>"), "Term\n\nDefinition");
}

TEST(ConvertHtml, TableCellsAreSeparatedAndRowsAreParagraphs) {
  const HtmlContent content = ConvertHtml(
      "<table><tr><th>City</th><th>Rain</th></tr>"
      "<tr><td colspan=2 style=\"color:red\" class=x>none</td></tr></table>",
      "");
  EXPECT_EQ(content.text, "City Rain\n\nnone");
  EXPECT_EQ(content.html,
            "<table><tr><th>City</th><th>Rain</th></tr>"
            "<tr><td colspan=\"2\">none</td></tr></table>");
}

TEST(ConvertHtml, CollapsesWhitespaceInsideParagraphs) {
  EXPECT_EQ(TextOf("  <p>  a \n\t b  </p>\n\n  <p>\r\nc </p>  "), "a b\n\nc");
  const HtmlContent pre = ConvertHtml("<pre>  x = 1\n  y = 2</pre>", "");
  EXPECT_EQ(pre.text, "x = 1 y = 2");
  EXPECT_EQ(pre.html, "<pre>  x = 1\n  y = 2</pre>");
}

TEST(ConvertHtml, DecodesEntities) {
  const HtmlContent content = ConvertHtml(
      "Tom &amp; Jerry&#8217;s &copy; 2024 &lt;b&gt; &#x2014; &quot;q&quot; &bogus;", "");
  EXPECT_EQ(content.text, "Tom & Jerry\u2019s \u00a9 2024 <b> \u2014 \"q\" &bogus;");
  EXPECT_EQ(content.html,
            "Tom &amp; Jerry\u2019s \u00a9 2024 &lt;b&gt; \u2014 \"q\" &amp;bogus;");
}

TEST(ConvertHtml, ReferencesToC1ControlsAreWindows1252AsInHtml5) {
  const HtmlContent content =
      ConvertHtml("<p title=\"&#147;t&#148;\">don&#146;t</p>", "");
  EXPECT_EQ(content.text, "don\xE2\x80\x99t");
  EXPECT_EQ(HtmlToLine("<abbr title=\"&#147;\">don&#x92;t\xC2\x85</abbr>"),
            "don\xE2\x80\x99t\xE2\x80\xA6");
  EXPECT_EQ(ConvertHtml("<abbr title=\"&#147;x\">y</abbr>", "").html,
            "<abbr title=\"\xE2\x80\x9Cx\">y</abbr>");
}

TEST(ConvertHtml, NoBreakSpaceIsAPlainSpaceInText) {
  const HtmlContent content =
      ConvertHtml("120&nbsp;km/h&nbsp;&nbsp; winds\u00a0today", "");
  EXPECT_EQ(content.text, "120 km/h winds today");
  EXPECT_EQ(content.html, "120\u00a0km/h\u00a0\u00a0 winds\u00a0today");
}

TEST(ConvertHtml, DropsScriptsStylesAndTheirContent) {
  const HtmlContent content = ConvertHtml(
      "<p>Before</p><script>alert(1)</script><style>p { color: red }</style>"
      "<noscript><p>Enable JS</p></noscript><template><p>tmpl</p></template>"
      "<iframe src=\"https://ads.example/\">frame</iframe>"
      "<object data=x>fallback<param name=a value=b></object><p>After</p>",
      "");
  EXPECT_EQ(content.text, "Before\n\nAfter");
  EXPECT_EQ(content.html, "<p>Before</p><p>After</p>");
  EXPECT_EQ(ConvertHtml("<script>alert(1)</script>", "").html, "");
  EXPECT_EQ(TextOf("<title>Page</title><head><meta name=a></head>Body"), "Body");
}

TEST(ConvertHtml, KeepsTextAfterAnUnclosedEmbed) {
  EXPECT_EQ(ConvertHtml("<embed src=movie.swf>Caption <b>here</b>", "").html,
            "Caption <b>here</b>");
}

TEST(ConvertHtml, DropsCommentsAndProcessingInstructions) {
  const HtmlContent content = ConvertHtml("a<!-- secret -->b<?php echo 1 ?>c", "");
  EXPECT_EQ(content.text, "abc");
  EXPECT_EQ(content.html, "abc");
}

TEST(ConvertHtml, StripsEventHandlersAndPresentationAttributes) {
  EXPECT_EQ(HtmlOf("<img src=x onerror=alert(1)>"),
            "<img src=\"https://news.example/world/x\">");
  EXPECT_EQ(ConvertHtml("<img src=x onerror=alert(1)>", "").html, "<img src=\"x\">");
  EXPECT_EQ(
      HtmlOf("<p class=\"lead\" style=\"color:red\" id=\"p1\" onclick=\"evil()\">Hi</p>"),
      "<p>Hi</p>");
  EXPECT_EQ(HtmlOf("<a href=\"/x\" title=\"T\" target=\"_blank\" rel=\"me\" "
                   "onmouseover=\"evil()\">link</a>"),
            "<a href=\"https://news.example/x\" title=\"T\">link</a>");
  EXPECT_EQ(HtmlOf("<img src=\"/a.jpg\" srcset=\"/b.jpg 2x\" alt=\"A\" title=\"T\" "
                   "width=\"640\" height=\"360\" loading=\"lazy\" style=\"border:0\">"),
            "<img src=\"https://news.example/a.jpg\" alt=\"A\" title=\"T\" width=\"640\" "
            "height=\"360\">");
  EXPECT_EQ(HtmlOf("<abbr title=\"World Health Organization\" class=x>WHO</abbr>"),
            "<abbr title=\"World Health Organization\">WHO</abbr>");
  EXPECT_EQ(HtmlOf("<span title=\"t\" style=\"x\">s</span><div lang=en>d</div>"),
            "<span>s</span><div>d</div>");
}

TEST(ConvertHtml, DropsScriptUrls) {
  EXPECT_EQ(HtmlOf("<a href=\"javascript:alert(1)\">click</a>"), "click");
  EXPECT_EQ(HtmlOf("<a href=\" JaVaScRiPt:alert(1)\" title=t>click</a>"), "click");
  EXPECT_EQ(HtmlOf("<a href=\"jav&#x09;ascript:alert(1)\">click</a>"), "click");
  EXPECT_EQ(HtmlOf("<a href=\"&#106;avascript:alert(1)\">click</a>"), "click");
  EXPECT_EQ(HtmlOf("<a href=\"vbscript:msgbox(1)\">click</a>"), "click");
  EXPECT_EQ(HtmlOf("before<img src=\"data:image/svg+xml;base64,PHN2Zz4=\">after"),
            "beforeafter");
  // A base that would make relative links into script does not.
  EXPECT_EQ(ConvertHtml("<a href=\"x\">click</a>", "javascript:void(0)/").html, "click");
}

TEST(ConvertHtml, UnwrapsLinksWithoutUrlsAndDropsImagesWithoutSources) {
  EXPECT_EQ(HtmlOf("<a name=\"top\">anchor</a>"), "anchor");
  EXPECT_EQ(HtmlOf("<a href=\"  \">blank</a>"), "blank");
  EXPECT_EQ(HtmlOf("a<img alt=\"no source\">b"), "ab");
}

TEST(ConvertHtml, ResolvesRelativeLinksAgainstTheBase) {
  EXPECT_EQ(HtmlOf("<a href=\"../sport/\">s</a>"),
            "<a href=\"https://news.example/sport/\">s</a>");
  EXPECT_EQ(HtmlOf("<a href=\"#comments\">c</a>"),
            "<a href=\"https://news.example/world/storm.html#comments\">c</a>");
  EXPECT_EQ(HtmlOf("<a href=\"//cdn.example/v.mp4\">v</a>"),
            "<a href=\"https://cdn.example/v.mp4\">v</a>");
  EXPECT_EQ(HtmlOf("<a href=\" related.html \">r</a>"),
            "<a href=\"https://news.example/world/related.html\">r</a>");
  EXPECT_EQ(HtmlOf("<a href=\"mailto:desk@news.example\">m</a>"),
            "<a href=\"mailto:desk@news.example\">m</a>");
  EXPECT_EQ(ConvertHtml("<a href=\" ../x \">x</a>", "").html, "<a href=\"../x\">x</a>");
}

TEST(ConvertHtml, EscapesTextAndAttributeValues) {
  EXPECT_EQ(
      HtmlOf("<a href=\"?a=1&amp;b=2\" title='say \"hi\" &lt;now&gt;'>1 &lt; 2 &amp; "
             "3 &gt; 2</a>"),
      "<a href=\"https://news.example/world/storm.html?a=1&amp;b=2\" "
      "title=\"say &quot;hi&quot; &lt;now&gt;\">1 &lt; 2 &amp; 3 &gt; 2</a>");
}

TEST(ConvertHtml, SectioningElementsBecomeDivs) {
  const HtmlContent content = ConvertHtml(
      "<article><header>Head</header><section>One</section><section>Two</section>"
      "<footer>Foot</footer></article>",
      "");
  EXPECT_EQ(content.text, "Head\n\nOne\n\nTwo\n\nFoot");
  EXPECT_EQ(content.html,
            "<div><div>Head</div><div>One</div><div>Two</div><div>Foot</div></div>");
}

TEST(ConvertHtml, UnwrapsElementsNotOnTheAllowlist) {
  const HtmlContent content = ConvertHtml(
      "<font color=red>big</font> <my-widget data-x=1>news</my-widget> "
      "<svg><title>icon</title><text>chart</text></svg> <form><input value=v>go</form>",
      "");
  EXPECT_EQ(content.text, "big news chart go");
  EXPECT_EQ(content.html, "big news chart go");
}

TEST(ConvertHtml, ReadsUppercaseTagsAndAttributes) {
  EXPECT_EQ(HtmlOf("<P CLASS=x>One<BR>Two</P><A HREF=\"/x\" TARGET=_blank>l</A>"),
            "<p>One<br>Two</p><a href=\"https://news.example/x\">l</a>");
}

TEST(ConvertHtml, RepairsMalformedHtml) {
  const HtmlContent unclosed = ConvertHtml("<p>a<p>b", "");
  EXPECT_EQ(unclosed.text, "a\n\nb");
  EXPECT_EQ(unclosed.html, "<p>a</p><p>b</p>");
  EXPECT_EQ(HtmlOf("<b>bold <i>both"), "<b>bold <i>both</i></b>");
  EXPECT_EQ(HtmlOf("<div><span>x</div>y"), "<div><span>x</span></div>y");
  EXPECT_EQ(HtmlOf("<p>a</b>b</i></p>"), "<p>ab</p>");

  const HtmlContent stray = ConvertHtml("<p>One</p></p></div><p>Two</p>", "");
  EXPECT_EQ(stray.text, "One\n\nTwo");
  EXPECT_EQ(stray.html, "<p>One</p><p>Two</p>");
  EXPECT_EQ(TextOf("<b>Unclosed <a href=\"x\">link <p>then a paragraph"),
            "Unclosed link\n\nthen a paragraph");
}

TEST(ConvertHtml, PlainTextIsOneParagraphWithEntitiesDecoded) {
  const HtmlContent content = ConvertHtml("  AT&T shares rose 3% &amp; a < b.\n", "");
  EXPECT_EQ(content.text, "AT&T shares rose 3% & a < b.");
  EXPECT_EQ(content.html, "AT&amp;T shares rose 3% &amp; a &lt; b.");
}

TEST(ConvertHtml, LeadingTextIsNotWrappedInAParagraph) {
  EXPECT_EQ(HtmlOf("Hello <b>world</b><p>Para</p>tail"),
            "Hello <b>world</b><p>Para</p>tail");
}

TEST(ConvertHtml, EmptyInputGivesEmptyOutput) {
  for (absl::string_view input : {"", "   \n\t ", "<p></p><div> </div>", "<!-- x -->"}) {
    const HtmlContent content = ConvertHtml(input, kBase);
    EXPECT_EQ(content.text, "") << "input \"" << input << "\"";
  }
  EXPECT_EQ(ConvertHtml("", kBase).html, "");
  EXPECT_EQ(ConvertHtml("   \n\t ", kBase).html, "");
}

TEST(ConvertHtml, DropsNulBytesAndByteOrderMark) {
  constexpr char kInput[] = "\xEF\xBB\xBFHel\0lo <b>wor\0ld</b>";
  const HtmlContent content =
      ConvertHtml(absl::string_view(kInput, sizeof(kInput) - 1), "");
  EXPECT_EQ(content.text, "Hello world");
  EXPECT_EQ(content.html, "Hello <b>world</b>");
}

TEST(ConvertHtml, InputIsUtf8WhateverTheMarkupDeclares) {
  EXPECT_EQ(TextOf("<meta charset=\"iso-8859-1\"><p>S\u00e3o Paulo caf\u00e9</p>"),
            "S\u00e3o Paulo caf\u00e9");
  EXPECT_EQ(
      TextOf("<meta http-equiv=\"Content-Type\" "
             "content=\"text/html; charset=windows-1252\">\u041a\u0438\u0457\u0432"),
      "\u041a\u0438\u0457\u0432");
}

TEST(ConvertHtml, VeryDeepNestingKeepsAllText) {
  constexpr int kDepth = 100000;
  std::string html;
  for (int i = 0; i < kDepth; ++i) html += "<div>";
  html += "deep <b>text</b>";
  for (int i = 0; i < kDepth; ++i) html += "</div>";
  html += "after";

  const HtmlContent content = ConvertHtml(html, "");
  EXPECT_EQ(content.text, "deep text\n\nafter");
  // Only the outermost divs are kept, and each is closed.
  EXPECT_EQ(CountOf(content.html, "<div>"), kMaxSanitizedHtmlDepth);
  EXPECT_EQ(CountOf(content.html, "</div>"), kMaxSanitizedHtmlDepth);
  EXPECT_NE(content.html.find("deep text</div>"), std::string::npos);
  EXPECT_EQ(HtmlToLine(html), "deep text after");
}

TEST(ConvertHtml, VeryDeepUnclosedNestingKeepsAllText) {
  constexpr int kDepth = 100000;
  std::string html;
  for (int i = 0; i < kDepth; ++i) html += "<span><i>x";
  const HtmlContent content = ConvertHtml(html, "");
  EXPECT_EQ(content.text, std::string(kDepth, 'x'));
  EXPECT_EQ(CountOf(content.html, "<span>") + CountOf(content.html, "<i>"),
            kMaxSanitizedHtmlDepth);
  EXPECT_EQ(CountOf(content.html, "</span>") + CountOf(content.html, "</i>"),
            kMaxSanitizedHtmlDepth);
}

int structured_errors = 0;
void CountStructuredError(void* /*context*/, xmlErrorPtr /*error*/) {
  ++structured_errors;
}

TEST(ConvertHtml, ReportsNoErrorsAndRestoresErrorHandlers) {
  xmlSetStructuredErrorFunc(nullptr, CountStructuredError);
  structured_errors = 0;
  ConvertHtml("<p <<>> </zz> &#0; <b><i></b></i> <a href=x href=y>", kBase);
  HtmlToLine("</p><div");
  EXPECT_EQ(structured_errors, 0);
  EXPECT_EQ(xmlStructuredError, CountStructuredError);
  xmlSetStructuredErrorFunc(nullptr, nullptr);
}

TEST(HtmlToLine, MakesOneLine) {
  EXPECT_EQ(HtmlToLine("<b>Breaking:</b> Storm &amp; floods<br>hit   the\ncoast"),
            "Breaking: Storm & floods hit the coast");
  EXPECT_EQ(HtmlToLine("<p>One</p><p>Two</p>"), "One Two");
  EXPECT_EQ(HtmlToLine("  Plain &#8216;title&#8217;&nbsp; "), "Plain \u2018title\u2019");
  EXPECT_EQ(HtmlToLine("Title<script>document.write('x')</script>"), "Title");
  EXPECT_EQ(HtmlToLine("AT&T < Verizon"), "AT&T < Verizon");
  EXPECT_EQ(HtmlToLine(""), "");
}

TEST(LooksLikeHtml, FindsTagsOfKnownElements) {
  EXPECT_TRUE(LooksLikeHtml("<p>Paragraph</p>"));
  EXPECT_TRUE(LooksLikeHtml("Some <b>bold</b> text"));
  EXPECT_TRUE(LooksLikeHtml("see <a href=\"https://x.example/\">here</a>"));
  EXPECT_TRUE(LooksLikeHtml("line<br/>line"));
  EXPECT_TRUE(LooksLikeHtml("line<br />line"));
  EXPECT_TRUE(LooksLikeHtml("ends in italics</i>"));
  EXPECT_TRUE(LooksLikeHtml("<P>Upper case"));
  EXPECT_TRUE(LooksLikeHtml("<figcaption>Caption"));
  EXPECT_TRUE(LooksLikeHtml("<img src=x>"));
}

TEST(LooksLikeHtml, FindsEntityReferences) {
  EXPECT_TRUE(LooksLikeHtml("Tom &amp; Jerry"));
  EXPECT_TRUE(LooksLikeHtml("&#38;"));
  EXPECT_TRUE(LooksLikeHtml("&#x26;"));
  EXPECT_TRUE(LooksLikeHtml("&copy; 2024"));
  EXPECT_TRUE(LooksLikeHtml("it&rsquo;s"));
}

TEST(LooksLikeHtml, LeavesPlainTextAlone) {
  EXPECT_FALSE(LooksLikeHtml(""));
  EXPECT_FALSE(LooksLikeHtml("Plain text."));
  EXPECT_FALSE(LooksLikeHtml("a < b"));
  EXPECT_FALSE(LooksLikeHtml("x<y and y>z"));
  EXPECT_FALSE(LooksLikeHtml("AT&T"));
  EXPECT_FALSE(LooksLikeHtml("R&D; costs"));
  EXPECT_FALSE(LooksLikeHtml("Q&A"));
  EXPECT_FALSE(LooksLikeHtml("&amp"));
  EXPECT_FALSE(LooksLikeHtml("&#;"));
  EXPECT_FALSE(LooksLikeHtml("&#x;"));
  EXPECT_FALSE(LooksLikeHtml("<notatag>"));
  EXPECT_FALSE(LooksLikeHtml("<blockquotes>"));
  EXPECT_FALSE(LooksLikeHtml("a <b and c"));
  EXPECT_FALSE(LooksLikeHtml("5 > 3 <"));
  EXPECT_FALSE(LooksLikeHtml("<3 you"));
  EXPECT_FALSE(LooksLikeHtml("<b"));
}

// Text without markup skips the HTML parser; the result is the parser's.
// "<font></font>" (not on the allowlist: unwrapped, and empty) sends the
// same text through it.
TEST(ConvertHtml, PlainTextGivesWhatTheParserGives) {
  const std::string alphabet[] = {"a", "Bc", " ", "  ", "\n", "\n\n", "\t", "\r\n",
                                  "\xC3\xA9", ">", "\"", "'", "\xC2\x92", "x;y"};
  std::mt19937 random(5);
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    for (int i = static_cast<int>(random() % 10); i > 0; --i) {
      text += alphabet[random() % std::size(alphabet)];
    }
    const HtmlContent fast = ConvertHtml(text, "");
    const HtmlContent parsed = ConvertHtml(text + "<font></font>", "");
    EXPECT_EQ(fast.text, parsed.text) << absl::CEscape(text);
    EXPECT_EQ(fast.html, parsed.html) << absl::CEscape(text);
    EXPECT_EQ(HtmlToLine(text), HtmlToLine(text + "<font></font>")) << absl::CEscape(text);
  }
}

}  // namespace
}  // namespace newswire
