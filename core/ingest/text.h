// Plain-text article parser.
//
// Reads an article as a wire story is usually pasted or scraped: a headline
// line, optionally a "By NAME" line, then paragraphs separated by blank
// lines, the first of which may open with a dateline ("KYIV, Ukraine — ",
// "WASHINGTON (AP) -- "). Site navigation and promo lines before the headline
// and after the last paragraph ("Win $100-Register", "ALL Headlines") are
// dropped.
#ifndef NEWSWIRE_CORE_INGEST_TEXT_H_
#define NEWSWIRE_CORE_INGEST_TEXT_H_

#include <cstddef>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/model/article.h"

namespace newswire {

// Largest input ParseText accepts.
inline constexpr size_t kMaxTextInputBytes = 4 << 20;

// Parses a plain-text article. Accepts LF or CRLF line endings and an
// optional UTF-8 byte order mark. The result is normalized (NormalizeArticle;
// timestamps stay unset, so the same text always gives the same article)
// and valid (ValidateArticle).
//
// Sets headline, byline (without "By"), dateline (without its dash; a
// parenthesised agency such as "(AP)" becomes source.name), body_text (the
// paragraphs, dateline removed), places (the dateline's, AddDatelinePlaces:
// "KYIV, Ukraine" gives "Kyiv" and "Ukraine"), summary (the first
// paragraph), word_count, fingerprint and id (derived from the fingerprint).
//
// How the text is read:
//  - Blank lines separate blocks; the lines of one block are joined with a
//    space (hard-wrapped text). A lone CR also ends a line.
//  - Navigation and promo lines are dropped: known phrases ("Advertisement",
//    "Subscribe now", "Read more", "ALL Headlines"), short calls to action
//    ("Win $100-Register"), copyright lines ("© 2024 Newswire") and
//    breadcrumbs of short segments ("Home | World | Politics"). A block made
//    only of them is dropped wherever it stands; at the end they are dropped
//    even when glued to the last paragraph, and so is a last block of at
//    most four words that ends no sentence ("More from Newswire"). A
//    paragraph that ends a sentence is never dropped for being short.
//  - A dateline opens the first paragraph: a city in capitals ("SÃO PAULO"),
//    up to three comma-separated qualifiers ("SPRINGFIELD, Ill."), an
//    optional "(AGENCY)", then "—", "–" or "--" with or without spaces, or
//    " - " with them. It is looked for until two prose paragraphs have gone
//    by. The headline is the block above it, or above a "By NAME" block;
//    everything above the headline is dropped.
//  - Without a dateline, the first block left is the headline.
//  - A "By NAME" line under the headline, in its block or the next, is the
//    byline; a lede like "By Tuesday, officials had ..." is not.
//
// Returns INVALID_ARGUMENT, naming the problem, for: empty or
// whitespace-only input, input larger than kMaxTextInputBytes, invalid UTF-8
// (with the byte offset), and text in which no headline can be found (only
// promo lines, or a first block longer than kMaxHeadlineChars).
absl::StatusOr<Article> ParseText(absl::string_view text);

// A dateline, as ParseText reads it at the start of a paragraph.
struct Dateline {
  std::string place;   // "KYIV, Ukraine"
  std::string agency;  // "AP", or empty
  std::string rest;    // The paragraph after the dash and its spaces.
};

// Parses "PLACE[ (AGENCY)] — rest" at the start of `paragraph` (see
// ParseText for the forms); nullopt if the paragraph opens with none.
std::optional<Dateline> ParseDateline(absl::string_view paragraph);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_INGEST_TEXT_H_
