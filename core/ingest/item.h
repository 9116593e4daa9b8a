// The mapping every feed format shares: one item, as the feed states it,
// becomes one Article. Formats only find the pieces (rss.cc, atom.cc,
// json_feed.cc); what a piece means for the Article is decided here, once.
#ifndef NEWSWIRE_CORE_INGEST_ITEM_H_
#define NEWSWIRE_CORE_INGEST_ITEM_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/model/article.h"
#include "core/ingest/feed.h"

namespace newswire {

// Text that may be HTML ("text/html" in the feed's terms) or plain text.
struct ItemText {
  std::string value;
  enum class Kind { kText, kHtml, kGuess } kind = Kind::kGuess;
};

// `text` as one line of plain text: HTML stripped and entities decoded if
// it is (or, for kGuess, looks like) HTML; whitespace collapsed.
std::string PlainLine(const ItemText& text);

// One item in feed terms. Every field is optional.
struct FeedItem {
  std::string id;        // guid, atom:id, JSON Feed id.
  ItemText title;
  ItemText summary;      // description, atom:summary, summary.
  ItemText content;      // content:encoded, atom:content, content_html/text.
  std::string url;       // The item's own page, possibly relative.
  std::string base_url;  // What relative URLs in this item resolve against.
  std::vector<std::string> authors;  // As written: "jo@x.org (Jo Bloggs)".
  std::vector<v1::Entity> categories;
  std::vector<v1::Link> links;       // Enclosures, related, via, ...
  std::string language;
  std::string published;  // Date text as written.
  std::string updated;
  // Fields a format states in Article terms already (ninjs: urgency,
  // places, people, version, embargo, ...): the Article starts as this.
  Article preset;
};

// What the feed says about all its items.
struct FeedContext {
  std::string feed_url;  // Where the feed was read from (FeedOptions).
  std::string title;     // The feed's title: the articles' source name.
  std::string link;      // The feed's home page: the source URL.
  std::string language;  // Default for items that state none.
  std::string id_scope;  // Scopes guids that are not URIs; see ItemToArticle.
};

// The context of `feed`'s items once its metadata is read: its title, link
// and language, options.base_url as the feed URL, and guids scoped to the
// feed's URL, else its link, else its title.
FeedContext ItemContext(const Feed& feed, const FeedOptions& options);

// Builds the Article for `item`:
//  - headline: the title, HTML stripped and entities decoded; without one,
//    the first sentence of the text (cut at a word near kMaxHeadlineChars);
//  - body_text / body_html: the content, else the summary, HTML reduced to
//    paragraphs (ConvertHtml) and kept sanitized; summary: the summary as
//    plain text, else the first paragraph; unless the preset has one, a
//    dateline opening the body is moved to `dateline` (agency to
//    source.name) and adds its places as ParseText does;
//  - byline: the authors' names (ParseAuthor: an address beside a name is
//    dropped; an address alone gives a name only when it is one, as
//    "jane.doe@..."), and a rel="author" "mailto:" link for each author
//    given as an address alone;
//  - subjects: the categories; links: `links`, plus the page as "alternate";
//    canonical_url: the page, resolved against base_url;
//  - id: the guid when it is a URI; a guid that is not (e.g. "12345")
//    becomes "urn:newswire:item:" + a hash of (id_scope, guid), stable across
//    polls; without a guid, the canonical URL; without that, empty (derived
//    from the content fingerprint when published);
//  - version: the preset's, else 0, which the Wire reads as "the next
//    version if the content or version_created changed" (Wire::Publish);
//  - first_created from published (else updated), version_created from
//    updated (else published), utc_offset_minutes from the zone they state;
//  - language: the item's, else the feed's, when it is a language tag;
//  - source: the feed's title, link and URL.
// Problems with optional pieces (an unreadable date, a bad language tag)
// are appended to `notes` and the piece is left out. Returns
// INVALID_ARGUMENT when the item has no text at all, or the Article is not
// valid (ValidateArticle's message).
absl::StatusOr<Article> ItemToArticle(const FeedItem& item, const FeedContext& context,
                                      std::vector<std::string>& notes);

// Appends `item` to feed.articles (ItemToArticle), or to feed.notes when it
// cannot become one ("item 3 skipped: no title, summary or content"), or
// when the feed already has kMaxFeedItems articles.
void AddItem(const FeedItem& item, const FeedContext& context, Feed& feed);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_INGEST_ITEM_H_
