// Writing articles out as the feed formats feed readers read: Atom 1.0
// (RFC 4287), RSS 2.0 and JSON Feed 1.1. The HTTP edge serves these; the
// writers are pure functions of a FeedPage so they can be tested, and read
// back with ParseFeed, without a server.
#ifndef NEWSWIRE_CORE_SYNDICATE_FEED_WRITER_H_
#define NEWSWIRE_CORE_SYNDICATE_FEED_WRITER_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "core/model/article.h"

namespace newswire {

// One document of a feed: its metadata and its articles, newest first.
struct FeedPage {
  std::string id;        // The feed's permanent id (a URI), e.g. "urn:newswire:feed:...".
  std::string title;     // "newswire".
  std::string self_url;  // The absolute URL of this document.
  std::string home_url;  // A page for people (the wire monitor); may be empty.
  std::string hub_url;   // The WebSub hub; empty for none.
  absl::Time updated;    // When the feed last changed (its newest article).
  std::vector<Article> articles;
  // RFC 5005 archived feeds; each empty for none. An archive page holds a
  // fixed stretch of the wire's history; `current_url` is the subscription
  // document, `prev_archive_url` the next older page, `next_archive_url`
  // the next newer one. The subscription document itself sets only
  // prev_archive_url.
  bool archive = false;  // This document is an archive page.
  std::string current_url;
  std::string prev_archive_url;
  std::string next_archive_url;
};

// Atom 1.0: feed id, title, updated, author (the feed's title, so every
// entry has one), link rel="self" (and rel="alternate" to home_url,
// rel="hub" to hub_url when set); per article an entry with id, title,
// updated (version_created), published (first_created), author (byline),
// link rel="alternate" (canonical_url), summary, content type="html" (the
// sanitized body_html, else body_text's paragraphs) and a category per
// subject (term: code, else name; label: name; scheme). Times carry the
// article's own UTC offset. Paging: link rel="current", "prev-archive",
// "next-archive", and <fh:archive/> on an archive page
// (http://purl.org/syndication/history/1.0).
std::string WriteAtom(const FeedPage& page);

// RSS 2.0 with atom:link rel="self" (and rel="hub"): channel title, link
// (home_url, else self_url), description, lastBuildDate; per article an
// item with title, link (canonical_url), guid (the id; isPermaLink="true"
// only when it is the canonical URL), pubDate (first_created, RFC 822),
// dc:creator (byline), description (body HTML) and a category per subject
// (domain: scheme). Paging as in Atom, with atom:link and fh:archive in
// the channel.
std::string WriteRss(const FeedPage& page);

// JSON Feed 1.1: version, title, home_page_url, feed_url, hubs (WebSub);
// per article an item with id, url, title, summary, content_html,
// content_text, date_published, date_modified, authors, tags, language.
// Paging: next_url, which JSON Feed defines as the next older items, is
// prev_archive_url.
std::string WriteJsonFeed(const FeedPage& page);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_SYNDICATE_FEED_WRITER_H_
