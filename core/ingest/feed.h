// Feeds in, Articles out: the one entry point for every format newswire
// reads. The format is detected from the bytes, never from a file name.
//
//   format      detected by                          version strings
//   RSS         root <rss> (0.91-0.94, 2.0; "2.01"   "rss091".."rss094" "rss20"
//               and the like are 2.0)                ("rss" for none we know)
//   RSS 1.0     root <rdf:RDF> (and RSS 0.90)        "rss10" "rss090"
//   Atom        root <feed> (1.0, 0.3 and drafts)    "atom10" "atom03"
//   JSON Feed   {"version": "https://jsonfeed.org/version/1[.1]"}  "jsonfeed10" "jsonfeed11"
//   ninjs       a JSON object with ninjs fields ("uri", "headline(s)", "versioncreated", ...)
//               or an array of them                  "ninjs1" "ninjs2"
//   text        anything else that is UTF-8 text     "text"
//
// How items map to Article fields is tabled in README.md ("Feed ingest").
#ifndef NEWSWIRE_CORE_INGEST_FEED_H_
#define NEWSWIRE_CORE_INGEST_FEED_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/model/article.h"

namespace newswire {

enum class FeedFormat { kText, kRss, kRdf, kAtom, kJsonFeed, kNinjs };

// "text", "rss", "rdf", "atom", "jsonfeed", "ninjs".
absl::string_view FeedFormatName(FeedFormat format);

// Largest input ParseFeed accepts, and most items it reads from one feed.
inline constexpr size_t kMaxFeedBytes = 32 << 20;
inline constexpr size_t kMaxFeedItems = 10000;

struct FeedOptions {
  // The URL the bytes were fetched from. Relative links resolve against it
  // (under any xml:base), and it becomes each article's source.feed_url.
  std::string base_url;
  // The charset the bytes were served with (an HTTP Content-Type's
  // charset=), which overrides the document's own declaration. Optional.
  std::string charset;
};

// A parsed feed: its own metadata and one Article per item.
struct Feed {
  FeedFormat format = FeedFormat::kText;
  std::string version;   // See the table above.
  std::string encoding;  // As DecodedText::encoding; "utf-8" for JSON.
  std::string title;     // Plain text.
  std::string link;      // The site's home page, absolute when resolvable.
  std::string description;
  std::string language;
  // Each article is normalized and valid (ValidateArticle), in feed order.
  std::vector<Article> articles;
  // False when the document was not well-formed and was read best-effort.
  bool well_formed = true;
  // What was repaired or skipped, one line each, naming where: "line 4:
  // '&' that starts no entity reference, read as text", "item 3 skipped:
  // no title, summary or content".
  std::vector<std::string> notes;
  // Items left out for being unusable (each has a note).
  size_t skipped_items = 0;
};

// The format of `bytes`. INVALID_ARGUMENT for XML whose root is not a feed,
// JSON that is neither a JSON Feed nor ninjs, and, before anything else is
// looked at, for input over kMaxFeedBytes and for bytes that are no kind of
// text ("binary file, not an article or feed (...)": CheckNotBinary,
// binary_input.h).
absl::StatusOr<FeedFormat> DetectFeedFormat(absl::string_view bytes,
                                            const FeedOptions& options = {});

// Parses `bytes` in whatever format they are in. Items that cannot become
// a valid Article are skipped with a note; a feed with no items is a valid
// Feed with no articles. Returns INVALID_ARGUMENT, naming the problem, when
// the input is over kMaxFeedBytes, is binary or not a feed (see
// DetectFeedFormat), is XML no recovery makes usable (see
// XmlDocument::Parse: truncated, entity bombs, too deep) or is JSON that
// does not parse; and, for a plain text article, as ParseText.
absl::StatusOr<Feed> ParseFeed(absl::string_view bytes, const FeedOptions& options = {});

}  // namespace newswire

#endif  // NEWSWIRE_CORE_INGEST_FEED_H_
