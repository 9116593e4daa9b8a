// The HTTP edge's routes: the wire as feeds for feed readers.
//
//   GET /healthz, /readyz            200 "ok" while the server runs
//   GET /v1/feed.atom                Atom 1.0      (application/atom+xml)
//   GET /v1/feed.rss                 RSS 2.0       (application/rss+xml)
//   GET /v1/feed.json                JSON Feed 1.1 (application/feed+json)
//   GET /v1/feed.ninjs               a JSON array of IPTC ninjs 2.1 objects
//                                    (application/json), the one ninjs
//                                    version served (core/syndicate/ninjs_writer.h)
//
// A feed is the newest `limit` articles (default 50, at most 100) that
// match the filter its query parameters state (core/filter_query.h:
// place=, subject=, source=, lang=, min_urgency=, q=, exclude_duplicates=,
// ...), newest first. Conditional GET: a strong ETag (a hash of the
// document, so it changes whenever the content does) and Last-Modified
// (the newest article's version time); If-None-Match matching the ETag, or
// else If-Modified-Since not older than Last-Modified, answers 304.
// A bad parameter is 400 naming it.
#ifndef NEWSWIRE_SERVICE_HTTP_FEEDS_H_
#define NEWSWIRE_SERVICE_HTTP_FEEDS_H_

#include <string>
#include <vector>

#include "core/store.h"
#include "service/http_router.h"

namespace newswire {

inline constexpr uint32_t kDefaultFeedItems = 50;

// The routes above over `store`, which must outlive them. The feeds' self
// links are absolute, on the host the request named (Host).
std::vector<HttpRoute> FeedRoutes(const Store& store);

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_HTTP_FEEDS_H_
