// The HTTP edge's routes: the wire as feeds for feed readers.
//
//   GET /healthz                     200 "ok" while the server runs
//   GET /readyz                      200 "ok" when ready for subscribers, else
//                                    503 saying why (core/store/readiness.h)
//   GET /v1/feed.atom                Atom 1.0      (application/atom+xml)
//   GET /v1/feed.rss                 RSS 2.0       (application/rss+xml)
//   GET /v1/feed.json                JSON Feed 1.1 (application/feed+json)
//   GET /v1/feed.ninjs               a JSON array of IPTC ninjs 2.1 objects
//                                    (application/json), the one ninjs
//                                    version served (core/syndicate/ninjs_writer.h)
//
// A feed is the newest `limit` articles (default 50, at most 100) that
// match the filter its query parameters state (core/search/filter_query.h:
// place=, subject=, source=, lang=, min_urgency=, q=, exclude_duplicates=,
// ...), newest first. Conditional GET: a strong ETag (a hash of the
// document, so it changes whenever the content does) and Last-Modified
// (the newest article's version time); If-None-Match matching the ETag, or
// else If-Modified-Since not older than Last-Modified, answers 304.
// A bad parameter is 400 naming it.
//
// Archived feeds (RFC 5005), in every format: the feed above is the
// subscription document; `?page=K` (with the same filter) is archive page
// K, the events with sequences K*P+1 ... (K+1)*P, P = kArchivePageEvents,
// so a page always covers the same stretch of the wire. It lists, newest
// first, the article version each of those events carried (an update or a
// kill is on the page of its event, as that version) that matches the
// filter, so a filtered page may be sparse or empty; `limit` does not
// apply. Links: rel="current" (the subscription document), "prev-archive"
// (page K-1) and, once page K is complete, "next-archive" (page K+1), with
// <fh:archive/> (Atom, RSS); JSON Feed's next_url is prev-archive; ninjs
// has no links of its own, so every format also sends them as an HTTP Link
// header. The subscription document's prev-archive is the newest complete
// page. A page is complete when its last sequence is at or below the head:
// it never changes again and is sent with Cache-Control "public,
// max-age=31536000, immutable"; the page still filling gets the feeds'
// short max-age. A page past the one still filling is 404; one whose
// events were all compacted away (retention) is 410, and prev-archive stops
// before it. A reader that walks prev-archive from the subscription
// document sees every event up to the newest complete page, and the
// articles after it through the subscription document (which shows the
// newest `limit`; the page still filling, linked as next-archive from the
// newest complete page, has all of them).
#ifndef NEWSWIRE_SERVICE_HTTP_FEEDS_H_
#define NEWSWIRE_SERVICE_HTTP_FEEDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/policy/gate.h"
#include "core/store/store.h"
#include "core/syndicate/feed_writer.h"
#include "service/http_router.h"

namespace newswire {

inline constexpr uint32_t kDefaultFeedItems = 50;
// Events per archive page (see above).
inline constexpr uint64_t kArchivePageEvents = 100;

// A feed format served: its path, Content-Type and writer.
struct FeedFormatSpec {
  absl::string_view path;          // "/v1/feed.atom".
  absl::string_view content_type;  // "application/atom+xml; charset=utf-8".
  std::string (*write)(const FeedPage&);
};

// The format served at `path`, or nullptr when none is.
const FeedFormatSpec* FindFeedFormat(absl::string_view path);

// What a feed request asks for besides its filter.
struct FeedQuery {
  std::string filter;  // The query without `limit` and `page`, undecoded.
  uint32_t limit = kDefaultFeedItems;
  std::optional<uint64_t> page;  // An archive page; none for the current feed.
};

// Splits `limit` and `page` off a feed's query; INVALID_ARGUMENT names a
// bad one.
absl::StatusOr<FeedQuery> ParseFeedQuery(absl::string_view query);

// The routes above over `store`; a feed is read with the subscribe scope
// and within the key's entitlements (service/http_auth.h). Both must
// outlive the routes. The feeds' self links are absolute, on the host the
// request named (Host); they name the wire monitor (/) as the feeds' home
// page and the WebSub hub (/v1/websub).
std::vector<HttpRoute> FeedRoutes(const Store& store, Gate& gate);

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_HTTP_FEEDS_H_
