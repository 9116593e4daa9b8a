#include "service/http_feeds.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "core/filter_query.h"
#include "core/ingest/feed_date.h"
#include "core/sha256.h"
#include "core/sqlite_search.h"
#include "core/syndicate/feed_writer.h"
#include "core/syndicate/ninjs_writer.h"

namespace newswire {
namespace {

// How long a reader may reuse a feed before asking again (with its ETag).
constexpr char kCacheControl[] = "public, max-age=30";

struct FeedFormatSpec {
  absl::string_view path;
  absl::string_view content_type;
  std::string (*write)(const FeedPage&);
};

constexpr FeedFormatSpec kFormats[] = {
    {"/v1/feed.atom", "application/atom+xml; charset=utf-8", &WriteAtom},
    {"/v1/feed.rss", "application/rss+xml; charset=utf-8", &WriteRss},
    {"/v1/feed.json", "application/feed+json; charset=utf-8", &WriteJsonFeed},
    {"/v1/feed.ninjs", "application/json; charset=utf-8", &WriteNinjs},
};

// The query without its `limit` parameter, and the limit it states.
absl::StatusOr<std::pair<std::string, uint32_t>> SplitLimit(absl::string_view query) {
  std::vector<absl::string_view> rest;
  uint32_t limit = kDefaultFeedItems;
  for (absl::string_view param : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    if (!absl::StartsWith(param, "limit=")) {
      rest.push_back(param);
      continue;
    }
    const absl::string_view value = param.substr(6);
    if (!absl::SimpleAtoi(value, &limit) || limit < 1 || limit > kMaxSearchPageSize) {
      return absl::InvalidArgumentError(absl::StrCat("limit must be a number from 1 to ",
                                                     kMaxSearchPageSize, ", got \"",
                                                     value, "\""));
    }
  }
  return std::pair{absl::StrJoin(rest, "&"), limit};
}

// RFC 7231's IMF-fixdate: "Tue, 19 Nov 2024 15:20:00 GMT".
std::string HttpDate(absl::Time time) {
  return absl::FormatTime("%a, %d %b %Y %H:%M:%S GMT", time, absl::UTCTimeZone());
}

// True if If-None-Match `header` lists `etag` (or is "*"). Weak
// comparison, as RFC 7232 asks for this header: W/ prefixes are ignored.
bool EtagMatches(absl::string_view header, absl::string_view etag) {
  for (absl::string_view candidate : absl::StrSplit(header, ',')) {
    candidate = absl::StripAsciiWhitespace(candidate);
    absl::ConsumePrefix(&candidate, "W/");
    if (candidate == "*" || candidate == etag) return true;
  }
  return false;
}

// True when the request's validators say its copy is current.
bool NotModified(const HttpRequest& request, absl::string_view etag,
                 std::optional<absl::Time> last_modified) {
  if (const std::string if_none_match = request.Header("if-none-match");
      !if_none_match.empty()) {
    return EtagMatches(if_none_match, etag);
  }
  const std::string if_modified_since = request.Header("if-modified-since");
  if (if_modified_since.empty() || !last_modified.has_value()) return false;
  absl::StatusOr<FeedDate> since = ParseFeedDate(if_modified_since);
  // "Not newer", not equality: readers send dates other than ours.
  return since.ok() &&
         absl::ToUnixSeconds(*last_modified) <= absl::ToUnixSeconds(since->time);
}

HttpResponse ServeFeed(const Store& store, absl::string_view base_url,
                       const FeedFormatSpec& format, const HttpRequest& request) {
  absl::StatusOr<std::pair<std::string, uint32_t>> split = SplitLimit(request.query);
  if (!split.ok()) return TextResponse(400, split.status().message());
  absl::StatusOr<v1::Filter> filter = ParseFilterQuery(split->first);
  if (!filter.ok()) return TextResponse(400, filter.status().message());

  v1::SearchArticlesRequest search;
  search.set_query(filter->query());
  filter->clear_query();
  *search.mutable_filter() = *filter;
  search.set_order(v1::SearchArticlesRequest::ORDER_NEWEST);
  search.set_page_size(split->second);
  search.set_view(v1::ARTICLE_VIEW_FULL);
  absl::StatusOr<v1::SearchArticlesResponse> found = store.Search(search);
  if (!found.ok()) {
    if (found.status().code() == absl::StatusCode::kInvalidArgument) {
      return TextResponse(400, found.status().message());
    }
    if (found.status().code() == absl::StatusCode::kFailedPrecondition) {
      return TextResponse(503,
                  "feeds are read from the archive; this server keeps none (--memory)");
    }
    return TextResponse(500, found.status().message());
  }

  // The same filter always gives the same feed id and self link.
  v1::Filter canonical = *filter;
  canonical.set_query(search.query());
  const std::string filter_query = FilterQueryString(canonical);
  FeedPage page;
  page.self_url =
      absl::StrCat(base_url, format.path, filter_query.empty() ? "" : "?", filter_query);
  page.id =
      absl::StrCat(base_url, "/v1/feed", filter_query.empty() ? "" : "?", filter_query);
  page.title = "newswire";
  // No home_url until the wire monitor page exists (issue 13).
  page.updated = absl::UnixEpoch();
  std::optional<absl::Time> last_modified;
  for (v1::SearchHit& hit : *found->mutable_hits()) {
    const absl::Time version = FromProtoTime(hit.article().version_created());
    if (!last_modified.has_value() || version > *last_modified) last_modified = version;
    page.articles.push_back(std::move(*hit.mutable_article()));
  }
  if (last_modified.has_value()) page.updated = *last_modified;

  HttpResponse response;
  response.body = format.write(page);
  const std::string etag = absl::StrCat("\"", Sha256Hex(response.body, 16), "\"");
  response.headers.emplace_back("ETag", etag);
  if (last_modified.has_value()) {
    response.headers.emplace_back("Last-Modified", HttpDate(*last_modified));
  }
  response.headers.emplace_back("Cache-Control", kCacheControl);
  if (NotModified(request, etag, last_modified)) {
    response.status = 304;
    response.body.clear();
    return response;
  }
  response.headers.emplace_back("Content-Type", std::string(format.content_type));
  return response;
}

}  // namespace

std::vector<HttpRoute> FeedRoutes(const Store& store) {
  std::vector<HttpRoute> routes;
  for (const char* path : {"/healthz", "/readyz"}) {
    routes.push_back({"GET", path, [](const HttpRequest&) { return TextResponse(200, "ok"); }});
  }
  for (const FeedFormatSpec& format : kFormats) {
    routes.push_back({"GET", std::string(format.path), [&store, &format](const HttpRequest& request) {
                        const std::string host = request.Header("host");
                        return ServeFeed(store,
                                         absl::StrCat("http://", host.empty() ? "localhost" : host),
                                         format, request);
                      }});
  }
  return routes;
}

}  // namespace newswire
