// Fuzzes the HTML fragment readers (core/ingest/html_text.h) on any bytes:
// ConvertHtml, HtmlToLine and LooksLikeHtml never crash, and
//  - text is paragraphs separated by exactly "\n\n", each with single
//    spaces between words and none at either end, and holds no "<script"
//    (no '<' at all) the input did not spell as text (CheckNoMarkupInText);
//  - HtmlToLine is that text on one line;
//  - html holds only allowlisted elements and attributes, every element
//    closed in order and at most kMaxSanitizedHtmlDepth deep, no on*
//    handlers, and no href or src a browser would run as script.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "core/model/article.h"
#include "core/ingest/html_text.h"
#include "fuzz/fuzz_check.h"

namespace {

constexpr absl::string_view kBase = "https://news.example/world/story.html";

// One paragraph of text: words separated by single spaces (U+00A0 counts
// as whitespace too when the input was valid UTF-8).
void CheckParagraph(absl::string_view paragraph, bool valid_utf8) {
  NEWSWIRE_FUZZ_CHECK(!paragraph.empty(), paragraph);
  NEWSWIRE_FUZZ_CHECK(paragraph.front() != ' ' && paragraph.back() != ' ', paragraph);
  NEWSWIRE_FUZZ_CHECK(!absl::StrContains(paragraph, "  "), paragraph);
  for (char c : paragraph) {
    NEWSWIRE_FUZZ_CHECK(c == ' ' || !absl::ascii_isspace(static_cast<unsigned char>(c)),
                        paragraph);
  }
  NEWSWIRE_FUZZ_CHECK(!valid_utf8 || !absl::StrContains(paragraph, "\xC2\xA0"),
                      paragraph);
}

// Markup never leaks into plain text: "<script" (or any '<') in text must
// come from input that spells it as text. That is checked where the input
// cannot: no '&' ("&lt;script"), and every '<' opens a tag, being followed
// by a letter or by '/' and a letter. (A '<' before anything else is text
// to the parser, and whatever follows can join it once the parser drops a
// control character, a comment or a processing instruction: "<\x01script",
// "<<?pi?>script".)
void CheckNoMarkupInText(absl::string_view text, absl::string_view input) {
  if (absl::StrContains(input, "&")) return;
  for (size_t lt = input.find('<'); lt != absl::string_view::npos;
       lt = input.find('<', lt + 1)) {
    size_t name = lt + 1;
    if (name < input.size() && input[name] == '/') ++name;
    if (name >= input.size() ||
        !absl::ascii_isalpha(static_cast<unsigned char>(input[name]))) {
      return;
    }
  }
  NEWSWIRE_FUZZ_CHECK(!absl::StrContains(text, "<"), text);
}

bool IsKeptElement(absl::string_view name) {
  static constexpr absl::string_view kKept[] = {
      "a",     "abbr",   "b",   "blockquote", "br",    "caption",    "cite",   "code",
      "dd",    "div",    "dl",  "dt",         "em",    "figcaption", "figure", "h1",
      "h2",    "h3",     "h4",  "h5",         "h6",    "hr",         "i",      "img",
      "kbd",   "li",     "ol",  "p",          "pre",   "q",          "s",      "small",
      "span",  "strong", "sub", "sup",        "table", "tbody",      "td",     "th",
      "thead", "tr",     "u",   "ul"};
  for (absl::string_view kept : kKept) {
    if (name == kept) return true;
  }
  return false;
}

bool IsVoidElement(absl::string_view name) {
  return name == "br" || name == "hr" || name == "img";
}

bool IsKeptAttribute(absl::string_view element, absl::string_view name) {
  if (element == "a") return name == "href" || name == "title";
  if (element == "img") {
    return name == "src" || name == "alt" || name == "title" || name == "width" ||
           name == "height";
  }
  if (element == "td" || element == "th") return name == "colspan" || name == "rowspan";
  if (element == "abbr") return name == "title";
  return false;
}

// A URL as a browser reads its scheme: entities decoded, tabs and newlines
// removed, leading spaces and controls skipped, lowercase.
std::string SchemeView(absl::string_view escaped) {
  std::string url = absl::StrReplaceAll(
      escaped, {{"&quot;", "\""}, {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}});
  absl::StrReplaceAll({{"\t", ""}, {"\n", ""}, {"\r", ""}}, &url);
  size_t start = 0;
  while (start < url.size() && static_cast<unsigned char>(url[start]) <= 0x20) ++start;
  return absl::AsciiStrToLower(absl::string_view(url).substr(start));
}

// Reads ` name="value"` attributes of a kept `element` from `attributes`.
void CheckAttributes(absl::string_view element, absl::string_view attributes,
                     absl::string_view html) {
  bool has_url = false;
  while (!attributes.empty()) {
    NEWSWIRE_FUZZ_CHECK(absl::ConsumePrefix(&attributes, " "), html);
    const size_t equals = attributes.find("=\"");
    NEWSWIRE_FUZZ_CHECK(equals != absl::string_view::npos, html);
    const absl::string_view name = attributes.substr(0, equals);
    NEWSWIRE_FUZZ_CHECK(IsKeptAttribute(element, name), html);
    attributes.remove_prefix(equals + 2);
    const size_t quote = attributes.find('"');
    NEWSWIRE_FUZZ_CHECK(quote != absl::string_view::npos, html);
    const absl::string_view value = attributes.substr(0, quote);
    attributes.remove_prefix(quote + 1);
    if (name == "href" || name == "src") {
      has_url = true;
      const std::string scheme = SchemeView(value);
      NEWSWIRE_FUZZ_CHECK(!absl::StartsWith(scheme, "javascript:") &&
                              !absl::StartsWith(scheme, "vbscript:") &&
                              !absl::StartsWith(scheme, "data:"),
                          html);
    }
  }
  NEWSWIRE_FUZZ_CHECK(has_url || (element != "a" && element != "img"), html);
}

void CheckSanitizedHtml(absl::string_view html) {
  std::vector<absl::string_view> open;
  size_t text_start = 0;
  for (size_t lt = html.find('<'); lt != absl::string_view::npos;
       lt = html.find('<', lt)) {
    NEWSWIRE_FUZZ_CHECK(
        html.substr(text_start, lt - text_start).find('>') == absl::string_view::npos,
        html);
    const size_t gt = html.find('>', lt);
    NEWSWIRE_FUZZ_CHECK(gt != absl::string_view::npos, html);
    absl::string_view tag = html.substr(lt + 1, gt - lt - 1);
    const bool closing = absl::ConsumePrefix(&tag, "/");
    size_t name_end = 0;
    while (name_end < tag.size() &&
           absl::ascii_isalnum(static_cast<unsigned char>(tag[name_end]))) {
      ++name_end;
    }
    const absl::string_view name = tag.substr(0, name_end);
    NEWSWIRE_FUZZ_CHECK(IsKeptElement(name), html);
    if (closing) {
      NEWSWIRE_FUZZ_CHECK(name_end == tag.size(), html);
      NEWSWIRE_FUZZ_CHECK(!open.empty() && open.back() == name, html);
      open.pop_back();
    } else {
      CheckAttributes(name, tag.substr(name_end), html);
      if (!IsVoidElement(name)) open.push_back(name);
      NEWSWIRE_FUZZ_CHECK(open.size() <= newswire::kMaxSanitizedHtmlDepth, html);
    }
    lt = text_start = gt + 1;
  }
  NEWSWIRE_FUZZ_CHECK(html.substr(text_start).find('>') == absl::string_view::npos, html);
  NEWSWIRE_FUZZ_CHECK(open.empty(), html);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  const bool valid_utf8 = newswire::IsValidUtf8(input);

  const newswire::HtmlContent content = newswire::ConvertHtml(input, kBase);
  if (!content.text.empty()) {
    for (absl::string_view paragraph : absl::StrSplit(content.text, "\n\n")) {
      CheckParagraph(paragraph, valid_utf8);
    }
  }
  CheckNoMarkupInText(content.text, input);
  CheckSanitizedHtml(content.html);

  const std::string line = newswire::HtmlToLine(input);
  NEWSWIRE_FUZZ_CHECK(line == absl::StrReplaceAll(content.text, {{"\n\n", " "}}), line);

  (void)newswire::LooksLikeHtml(input);
  return 0;
}
