#include "core/ingest/text.h"

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/types/span.h"
#include "core/ingest/dateline_places.h"
#include "core/ingest/letters.h"

namespace newswire {
namespace {

// A block is a run of non-blank lines; blank lines separate blocks. Its lines
// are trimmed, non-empty, and point into the text being parsed.
using Block = std::vector<absl::string_view>;

constexpr absl::string_view kByteOrderMark = "\xEF\xBB\xBF";
constexpr absl::string_view kNoBreakSpace = "\xC2\xA0";
constexpr absl::string_view kEmDash = "\xE2\x80\x94";
constexpr absl::string_view kEnDash = "\xE2\x80\x93";

// A dateline is a place and perhaps an agency ("UNITED NATIONS (AP)"); a dash
// further into the paragraph than this belongs to a sentence.
constexpr size_t kMaxDatelineBytes = 80;
// Bylines are a few names and perhaps an employer, never a paragraph.
constexpr size_t kMaxBylineBytes = 120;
constexpr size_t kMaxBylineWords = 12;
// The dateline opens the first paragraph, so it is looked for only among the
// first blocks: a headline, a byline and whatever a site printed above them.
constexpr size_t kMaxBlocksBeforeDateline = 8;
// Paragraphs of at least this many words ending in sentence punctuation are
// prose: the story has begun, so a dateline after two of them is too late.
constexpr size_t kMinProseWords = 6;
// What a site prints after a story ("ALL Headlines", "More from World") is a
// few words without a full stop; a short last paragraph of the story is not.
constexpr size_t kMaxTrailerWords = 4;

// ---------------------------------------------------------------------------
// Characters.

// Scripts without case have no capitals (IsCapitalLetter), so their
// datelines stay in the body rather than risk cutting a sentence.
bool StartsWithCapital(absl::string_view text) {
  size_t length;
  return !text.empty() && IsCapitalLetter(DecodeUtf8At(text, 0, length));
}

// Trims ASCII whitespace and no-break spaces, which pasted text often has
// around a dateline's dash.
absl::string_view StripSpaces(absl::string_view text) {
  while (true) {
    const absl::string_view before = text;
    text = absl::StripAsciiWhitespace(text);
    absl::ConsumePrefix(&text, kNoBreakSpace);
    absl::ConsumeSuffix(&text, kNoBreakSpace);
    if (text.size() == before.size()) return text;
  }
}

// Removes from the end of `text` any run of spaces and of `marks`.
absl::string_view StripTrailing(absl::string_view text,
                                absl::Span<const absl::string_view> marks) {
  while (true) {
    const absl::string_view before = text;
    text = StripSpaces(text);
    for (absl::string_view mark : marks) absl::ConsumeSuffix(&text, mark);
    if (text.size() == before.size()) return text;
  }
}

// True if `text` ends a sentence: ".", "!", "?" or "…", perhaps followed by
// closing quotes or brackets ("he said.”").
bool EndsWithSentencePunctuation(absl::string_view text) {
  constexpr absl::string_view kClosers[] = {
      "\"", "'", ")", "]", "\xE2\x80\x99", "\xE2\x80\x9D", "\xC2\xBB"};
  text = StripTrailing(text, kClosers);
  return absl::EndsWith(text, ".") || absl::EndsWith(text, "!") ||
         absl::EndsWith(text, "?") || absl::EndsWith(text, "\xE2\x80\xA6");
}

// ---------------------------------------------------------------------------
// Lines and blocks.

std::vector<Block> SplitBlocks(absl::string_view text) {
  std::vector<Block> blocks;
  Block current;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    line = StripSpaces(line);
    if (!line.empty()) {
      current.push_back(line);
    } else if (!current.empty()) {
      blocks.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) blocks.push_back(std::move(current));
  return blocks;
}

// A block as one line of text: hard-wrapped lines joined with a space.
std::string Paragraph(const Block& block) {
  return CollapseWhitespace(absl::StrJoin(block, " "));
}

// ---------------------------------------------------------------------------
// Navigation and promo lines.

// Whole lines a site prints around a story, compared in lower case and
// without trailing ":", "›", "»", ">" or "→".
constexpr absl::string_view kPromoLines[] = {
    "advertisement",
    "all headlines",
    "back to top",
    "comments",
    "continue reading",
    "email",
    "follow us",
    "home",
    "latest news",
    "listen to this article",
    "log in",
    "menu",
    "more",
    "most popular",
    "most read",
    "newsletter",
    "print",
    "read more",
    "recommended",
    "related",
    "related articles",
    "related stories",
    "share",
    "share this",
    "share this article",
    "share this story",
    "sign in",
    "sign up",
    "skip to content",
    "skip to main content",
    "sponsored",
    "subscribe",
    "subscribe now",
    "top stories",
    "trending",
    "view comments",
};

// Openings of short calls to action ("Subscribe now for $1 a week!",
// "Win $100-Register").
constexpr absl::string_view kPromoOpenings[] = {
    "click here",  "download our app", "follow us on",
    "get the app", "read more:",       "share on",
    "sign up for", "subscribe now",    "subscribe to",
    "win $",
};
// A call to action is short; a longer line with the same opening is prose.
constexpr size_t kMaxPromoOpeningWords = 12;

bool IsPromoPhrase(absl::string_view line) {
  const std::string lower = absl::AsciiStrToLower(line);
  if (CountWords(lower) <= kMaxPromoOpeningWords &&
      std::ranges::any_of(kPromoOpenings, [&](absl::string_view opening) {
        return absl::StartsWith(lower, opening);
      })) {
    return true;
  }
  constexpr absl::string_view kArrows[] = {":", ">", "\xE2\x80\xBA", "\xC2\xBB",
                                           "\xE2\x86\x92"};
  return std::ranges::find(kPromoLines, StripTrailing(lower, kArrows)) !=
         std::end(kPromoLines);
}

// "© 2024 Newswire", "Copyright 2024 ... All rights reserved." The year or
// the reservation is required so a wrapped line "copyright law." stays.
bool IsCopyrightLine(absl::string_view line) {
  const std::string lower = absl::AsciiStrToLower(line);
  if (!absl::StartsWith(lower, "\xC2\xA9") &&
      !absl::StartsWith(lower, "copyright") &&
      !absl::StartsWith(lower, "(c)")) {
    return false;
  }
  return absl::StrContains(lower, "rights reserved") ||
         lower.find_first_of("0123456789") != std::string::npos;
}

// Breadcrumbs and menus: "Home | World | Politics", "News › Science": short
// segments between separators. One separator alone also joins a headline to
// a site name ("Quake hits Chile | Newswire"), so two segments count only
// when both are a word or two.
bool IsNavigationLine(absl::string_view line) {
  const std::string bars =
      absl::StrReplaceAll(line, {{"\xE2\x80\xBA", "|"},  // ›
                                 {"\xC2\xBB", "|"},      // »
                                 {"\xC2\xB7", "|"},      // ·
                                 {"\xE2\x80\xA2", "|"},  // •
                                 {" > ", "|"}});
  const std::vector<absl::string_view> segments =
      absl::StrSplit(bars, '|', absl::SkipWhitespace());
  if (segments.size() < 2) return false;
  const size_t max_words = segments.size() == 2 ? 2 : 3;
  for (absl::string_view segment : segments) {
    if (CountWords(segment) > max_words) return false;
  }
  return true;
}

bool IsPromoLine(absl::string_view line) {
  // Promo lines are short; the check keeps a long paragraph from being
  // lower-cased and split only to learn that.
  constexpr size_t kMaxPromoLineBytes = 300;
  if (line.size() > kMaxPromoLineBytes) return false;
  return IsPromoPhrase(line) || IsCopyrightLine(line) || IsNavigationLine(line);
}

bool IsPromoBlock(const Block& block) {
  for (absl::string_view line : block) {
    if (!IsPromoLine(line)) return false;
  }
  return true;
}

Block WithoutPromoLines(const Block& block) {
  Block kept;
  for (absl::string_view line : block) {
    if (!IsPromoLine(line)) kept.push_back(line);
  }
  return kept;
}

// Drops what a site prints after the story: promo lines, even glued to the
// last paragraph, then short blocks that do not end a sentence. A short
// paragraph that ends a sentence ("Nobody was hurt.") is story and stays, and
// so does the lead when it carries the dateline (`keep_lead`).
void DropTrailingPromo(std::vector<Block>& body, bool keep_lead) {
  while (!body.empty()) {
    Block& last = body.back();
    while (!last.empty() && IsPromoLine(last.back())) last.pop_back();
    if (!last.empty()) {
      const bool is_lead = keep_lead && body.size() == 1;
      const std::string text = Paragraph(last);
      if (is_lead || CountWords(text) > kMaxTrailerWords ||
          EndsWithSentencePunctuation(text)) {
        return;
      }
    }
    body.pop_back();
  }
}

// ---------------------------------------------------------------------------
// Byline.

// Lower-case words that join names ("JANE DOE and JOHN ROE", "Maria de la
// Cruz").
constexpr absl::string_view kNameConnectors[] = {
    "al",  "and", "bin", "da", "de",  "del", "der", "do",
    "dos", "la",  "le",  "of", "van", "von", "y"};
// Besides connectors, a byline may carry a short role ("staff writer"); a
// lede that opens "By Tuesday, officials had ..." has more lower-case words.
constexpr size_t kMaxBylineLowerCaseWords = 2;

// Returns NAME if `line` is "By NAME", else nullopt.
std::optional<absl::string_view> BylineName(absl::string_view line) {
  if (!absl::StartsWithIgnoreCase(line, "by ")) return std::nullopt;
  const absl::string_view name = StripSpaces(line.substr(3));
  if (name.size() > kMaxBylineBytes || !StartsWithCapital(name)) {
    return std::nullopt;
  }
  const std::vector<absl::string_view> words =
      absl::StrSplit(name, ' ', absl::SkipWhitespace());
  size_t lower_case = 0;
  for (absl::string_view word : words) {
    if (absl::ascii_islower(word[0]) &&
        std::ranges::find(kNameConnectors, word) == std::end(kNameConnectors)) {
      ++lower_case;
    }
  }
  if (words.size() > kMaxBylineWords || lower_case > kMaxBylineLowerCaseWords) {
    return std::nullopt;
  }
  // "By Jane Doe Jr." ends in an abbreviation; a sentence ends in a word.
  if (EndsWithSentencePunctuation(name) && words.back().size() > 3) {
    return std::nullopt;
  }
  return name;
}

// ---------------------------------------------------------------------------
// Dateline.

// Returns the dash that can end a dateline, as a view into `paragraph`, or an
// empty view. "—" (and "–") and "--" count with or without spaces; a single
// hyphen only with a space on each side, since "WINSTON-SALEM" has one.
absl::string_view FindDatelineDash(absl::string_view paragraph) {
  const size_t end = std::min(paragraph.size(), kMaxDatelineBytes);
  for (size_t i = 0; i < end; ++i) {
    const absl::string_view at = paragraph.substr(i);
    if (absl::StartsWith(at, kEmDash) || absl::StartsWith(at, kEnDash)) {
      return at.substr(0, kEmDash.size());
    }
    if (absl::StartsWith(at, "--")) return at.substr(0, 2);
    if (at[0] == '-' && i > 0 && paragraph[i - 1] == ' ' &&
        (at.size() == 1 || at[1] == ' ')) {
      return at.substr(0, 1);
    }
  }
  return {};
}

// The city of a dateline is in capitals: "KYIV", "ST. LOUIS", "SÃO PAULO",
// "N'DJAMENA". A capitalised word alone ("Meanwhile") is a sentence.
bool IsCityInCapitals(absl::string_view city) {
  constexpr size_t kMaxCityWords = 4;
  return CountWords(city) <= kMaxCityWords && IsWrittenInCapitals(city, 2);
}

// After the city come up to three qualifiers, each of capitalised words or
// numbers: "Ukraine", "Ill.", "D.C.", "Nov. 30".
bool IsPlaceQualifier(absl::string_view qualifier) {
  constexpr size_t kMaxQualifierWords = 4;
  const std::vector<absl::string_view> words =
      absl::StrSplit(qualifier, ' ', absl::SkipWhitespace());
  if (words.empty() || words.size() > kMaxQualifierWords) return false;
  for (absl::string_view word : words) {
    if (!StartsWithCapital(word) && !absl::ascii_isdigit(word[0])) return false;
  }
  return true;
}

bool IsPlace(absl::string_view place) {
  constexpr size_t kMaxQualifiers = 3;
  const std::vector<absl::string_view> parts = absl::StrSplit(place, ',');
  if (parts.size() > 1 + kMaxQualifiers) return false;
  if (!IsCityInCapitals(StripSpaces(parts[0]))) return false;
  for (size_t i = 1; i < parts.size(); ++i) {
    if (!IsPlaceQualifier(parts[i])) return false;
  }
  return true;
}

// "(AP)", "(Reuters)", "(Newswire)": a short capitalised name.
bool IsAgency(absl::string_view agency) {
  constexpr size_t kMaxAgencyBytes = 40;
  constexpr size_t kMaxAgencyWords = 4;
  return agency.size() <= kMaxAgencyBytes && StartsWithCapital(agency) &&
         CountWords(agency) <= kMaxAgencyWords &&
         !absl::StrContains(agency, '(');
}

bool IsProse(absl::string_view paragraph) {
  return CountWords(paragraph) >= kMinProseWords &&
         EndsWithSentencePunctuation(paragraph);
}

// Returns the index of the block whose paragraph opens with a dateline, or
// nullopt. Block 0 is never one: a headline comes first. The search stops
// once two prose paragraphs have gone by (one may be a headline ending in
// "?"), so a later paragraph opening "NATO — ..." is not taken for one.
std::optional<size_t> FindDatelineBlock(const std::vector<Block>& blocks) {
  size_t prose_seen = IsProse(Paragraph(blocks[0])) ? 1 : 0;
  for (size_t i = 1; i < blocks.size() && i <= kMaxBlocksBeforeDateline; ++i) {
    const std::string paragraph = Paragraph(blocks[i]);
    if (ParseDateline(paragraph).has_value()) return i;
    if (IsProse(paragraph) && ++prose_seen == 2) break;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------
// Headline.

// The headline block split at a "By NAME" line: lines above it are the
// (perhaps wrapped) headline, lines below it start the story.
struct HeadlineBlock {
  Block headline;
  std::string byline;
  Block rest;
};

HeadlineBlock SplitAtByline(const Block& block) {
  HeadlineBlock split;
  for (size_t i = 0; i < block.size(); ++i) {
    const std::optional<absl::string_view> name =
        i > 0 ? BylineName(block[i]) : std::nullopt;
    if (name.has_value() && split.byline.empty()) {
      split.byline = std::string(*name);
    } else {
      (split.byline.empty() ? split.headline : split.rest).push_back(block[i]);
    }
  }
  return split;
}

// The parts of a story found among its blocks.
struct Story {
  std::string headline;
  std::string byline;
  std::optional<Dateline> dateline;
  std::vector<std::string> paragraphs;
};

absl::StatusOr<Story> FindStory(std::vector<Block> blocks) {
  std::erase_if(blocks, IsPromoBlock);
  if (blocks.empty()) {
    return absl::InvalidArgumentError(
        "no headline found: the text holds only navigation or promo lines");
  }
  Story story;
  const std::optional<size_t> dateline_at = FindDatelineBlock(blocks);
  size_t headline_at = 0;
  size_t body_at = 1;
  if (dateline_at.has_value()) {
    // Everything above the headline is the site's, so the headline is the
    // block above the dateline, or above a byline standing on its own.
    headline_at = *dateline_at - 1;
    body_at = *dateline_at;
    const Block& above = blocks[headline_at];
    if (headline_at > 0 && above.size() == 1) {
      if (std::optional<absl::string_view> name = BylineName(above[0])) {
        story.byline = std::string(*name);
        --headline_at;
      }
    }
  }
  HeadlineBlock split = SplitAtByline(WithoutPromoLines(blocks[headline_at]));
  story.headline = Paragraph(split.headline);
  if (story.byline.empty()) story.byline = std::move(split.byline);
  if (!dateline_at.has_value()) {
    // Without a dateline the story starts right under the headline and its
    // byline; lines between a byline and a dateline are the site's.
    if (!split.rest.empty()) {
      blocks[headline_at] = std::move(split.rest);
      body_at = headline_at;
    } else if (story.byline.empty() && body_at < blocks.size()) {
      Block& next = blocks[body_at];
      if (std::optional<absl::string_view> name = BylineName(next[0])) {
        story.byline = std::string(*name);
        next.erase(next.begin());
        if (next.empty()) ++body_at;
      }
    }
  }
  if (const size_t n = CountCodePoints(story.headline); n > kMaxHeadlineChars) {
    return absl::InvalidArgumentError(
        absl::StrCat("no headline found: the first block is ", n,
                     " characters, longer than a headline may be (",
                     kMaxHeadlineChars, ")"));
  }

  std::vector<Block> body(blocks.begin() + body_at, blocks.end());
  DropTrailingPromo(body, dateline_at.has_value());
  for (const Block& block : body) story.paragraphs.push_back(Paragraph(block));
  if (dateline_at.has_value() && !story.paragraphs.empty()) {
    story.dateline = ParseDateline(story.paragraphs.front());
    if (story.dateline.has_value()) {
      // A dateline on a line of its own leaves no text in its paragraph.
      story.paragraphs.front() = story.dateline->rest;
      if (story.paragraphs.front().empty()) {
        story.paragraphs.erase(story.paragraphs.begin());
      }
    }
  }
  return story;
}

}  // namespace

std::optional<Dateline> ParseDateline(absl::string_view paragraph) {
  const absl::string_view dash = FindDatelineDash(paragraph);
  if (dash.empty()) return std::nullopt;
  const size_t dash_at = dash.data() - paragraph.data();
  absl::string_view place = StripSpaces(paragraph.substr(0, dash_at));
  absl::string_view agency;
  if (absl::ConsumeSuffix(&place, ")")) {
    const size_t open = place.rfind('(');
    if (open == absl::string_view::npos) return std::nullopt;
    agency = StripSpaces(place.substr(open + 1));
    place = StripSpaces(place.substr(0, open));
    if (!IsAgency(agency)) return std::nullopt;
  }
  if (!IsPlace(place)) return std::nullopt;
  return Dateline{
      .place = std::string(place),
      .agency = std::string(agency),
      .rest = std::string(StripSpaces(paragraph.substr(dash_at + dash.size()))),
  };
}

absl::StatusOr<Article> ParseText(absl::string_view text) {
  if (text.size() > kMaxTextInputBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "text input is ", text.size(), " bytes, over the limit of ",
        kMaxTextInputBytes, " bytes"));
  }
  if (text.empty()) {
    return absl::InvalidArgumentError("text input is empty");
  }
  // Offsets count from the caller's first byte, byte order mark included.
  if (const size_t at = InvalidUtf8Offset(text);
      at != absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("text input is not valid UTF-8: bad byte at offset ", at));
  }
  absl::ConsumePrefix(&text, kByteOrderMark);
  if (StripSpaces(text).empty()) {
    return absl::InvalidArgumentError("text input holds only whitespace");
  }
  const std::string lines =
      absl::StrReplaceAll(text, {{"\r\n", "\n"}, {"\r", "\n"}});
  absl::StatusOr<Story> story = FindStory(SplitBlocks(lines));
  if (!story.ok()) return story.status();

  Article article;
  article.set_headline(std::move(story->headline));
  article.set_byline(std::move(story->byline));
  if (story->dateline.has_value()) {
    AddDatelinePlaces(story->dateline->place, article);
    article.set_dateline(std::move(story->dateline->place));
    if (!story->dateline->agency.empty()) {
      article.mutable_source()->set_name(std::move(story->dateline->agency));
    }
  }
  article.set_body_text(absl::StrJoin(story->paragraphs, "\n\n"));
  NormalizeArticle(article);
  if (absl::Status status = ValidateArticle(article); !status.ok()) {
    return status;
  }
  return article;
}

}  // namespace newswire
