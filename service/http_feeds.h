// The HTTP edge's routes: the wire as feeds for feed readers.
//
//   GET /healthz, /readyz            200 "ok" while the server runs
//   GET /v1/feed.atom                Atom 1.0      (application/atom+xml)
//   GET /v1/feed.rss                 RSS 2.0       (application/rss+xml)
//   GET /v1/feed.json                JSON Feed 1.1 (application/feed+json)
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
#include <utility>
#include <vector>

#include "core/policy/gate.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/store.h"
#include "core/syndicate/feed_writer.h"
#include "service/http_router.h"

namespace newswire {

inline constexpr uint32_t kDefaultFeedItems = 50;

// A feed format served: its path, Content-Type and writer.
struct FeedFormatSpec {
  absl::string_view path;          // "/v1/feed.atom".
  absl::string_view content_type;  // "application/atom+xml; charset=utf-8".
  std::string (*write)(const FeedPage&);
};

// The format served at `path`, or nullptr when none is.
const FeedFormatSpec* FindFeedFormat(absl::string_view path);

// A feed's query without its `limit` parameter, and the limit it states
// (kDefaultFeedItems when none). INVALID_ARGUMENT names a bad limit.
absl::StatusOr<std::pair<std::string, uint32_t>> SplitLimit(absl::string_view query);

// The routes above over `store`; a feed is read with the subscribe scope
// and within the key's entitlements (service/http_auth.h). Both must
// outlive the routes. The feeds' self links are absolute, on the host the
// request named (Host).
std::vector<HttpRoute> FeedRoutes(const Store& store, Gate& gate);

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_HTTP_FEEDS_H_
