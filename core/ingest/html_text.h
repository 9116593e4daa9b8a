// HTML fragments from feeds: plain text and sanitized HTML.
//
// RSS descriptions and Atom content carry HTML fragments of every quality,
// from clean markup to tag soup with scripts and tracking pixels. They are
// parsed with libxml2's forgiving HTML parser (nothing is ever fetched and
// nothing is printed) and read in one pass over the tree into plain text for
// body_text and headlines, and into HTML cut down to an allowlist that is
// safe to publish.
//
// Input is UTF-8. Bytes that are not well-formed UTF-8 pass through to the
// output unchanged (validate first if that matters); NUL bytes and a leading
// byte order mark are dropped; only the first 2 GiB are read. The fragment is read as the
// content of a <body>, so leading text is not wrapped in an implied <p>.
// References to C1 controls mean the windows-1252 character, as in HTML5
// ("&#146;" is U+2019, not U+0092); so do C1 control characters themselves
// (see ReplaceC1Controls).
#ifndef NEWSWIRE_CORE_INGEST_HTML_TEXT_H_
#define NEWSWIRE_CORE_INGEST_HTML_TEXT_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace newswire {

// Elements deeper than this many kept elements are unwrapped in
// HtmlContent::html, so a pathological fragment (100,000 nested <div>) gives
// HTML a browser or XML parser downstream can take. Text is never lost to
// depth.
inline constexpr size_t kMaxSanitizedHtmlDepth = 100;

// A fragment converted by ConvertHtml.
struct HtmlContent {
  // Plain text: paragraphs separated by exactly "\n\n", whitespace (ASCII
  // and U+00A0 no-break space) inside a paragraph collapsed to single spaces,
  // nothing at either end, entities decoded, no tags.
  std::string text;
  // Sanitized HTML (see ConvertHtml): well-formed, only allowlisted
  // elements and attributes.
  std::string html;
};

// Converts an HTML fragment to plain text and sanitized HTML.
//
// Text: the block elements p, div, section, article, header, footer, main,
// nav, aside, address, blockquote, pre, ul, ol, li, dl, dt, dd, table,
// caption, tr, h1-h6, figure, figcaption and hr, and <br>, end a paragraph;
// table cells (td, th) are separated by a space. Whitespace in <pre> is
// collapsed like any other. Images contribute no text.
//
// Dropped with their content, from text and HTML alike: script, style,
// noscript, template, iframe, object, head and title; comments and
// processing instructions. <embed> is dropped too; it has no content in
// HTML5, so text libxml2 places inside one is kept.
//
// Sanitized HTML keeps these elements: p, br, a, em, strong, b, i, u, s, sub,
// sup, small, blockquote, q, cite, code, pre, kbd, ul, ol, li, dl, dt, dd,
// h1-h6, table, thead, tbody, tr, th, td, caption, figure, figcaption, img,
// hr, abbr, span and div. The sectioning elements section, article, header,
// footer, main, nav, aside and address become <div>, so their blocks stay
// apart. Every other element is unwrapped: its tags go, its content stays.
// Attributes kept: a href and title; img src, alt, title, width and height;
// td and th colspan and rowspan; abbr title; nothing else (no style, class,
// id or on* handlers). href and src are kept only when non-blank and
// IsSafeLinkUrl both before and after resolution against `base_url`
// (ResolveUrl, when `base_url` is non-empty; otherwise they are only
// trimmed). An <a> left without an href is unwrapped; an <img> without a src
// is dropped. Text and attribute values are escaped (&amp; &lt; &gt; and, in
// attributes, &quot;); attributes are double-quoted; void elements are
// written <br>, <hr> and <img ...>; every other kept element is closed.
// Whitespace in text is kept as it is.
HtmlContent ConvertHtml(absl::string_view html, absl::string_view base_url);

// Returns one line of plain text from an HTML fragment, as for a headline:
// tags and the content of dropped elements (see ConvertHtml) removed,
// entities decoded, block breaks turned into spaces, whitespace collapsed
// and trimmed.
std::string HtmlToLine(absl::string_view html);

// Returns true when `text` looks like HTML rather than plain text: it holds
// a start or end tag of a known HTML element ("<p>", "<b>", "</i>", "<br/>",
// "<a href=...>"; names case-insensitive; a tag with attributes needs its
// ">") or an entity reference ("&amp;", "&copy;", "&#38;", "&#x26;"; named
// ones must be HTML 4 entities and every one needs its ";"). "a < b",
// "x<y and y>z", "AT&T" and "R&D;" are plain text.
bool LooksLikeHtml(absl::string_view text);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_INGEST_HTML_TEXT_H_
