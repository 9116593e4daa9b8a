#include "service/http_feeds.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "core/base/quote_input.h"
#include "core/search/feed_filter.h"
#include "core/search/filter_query.h"
#include "core/ingest/feed_date.h"
#include "core/policy/policy.h"
#include "core/model/sha256.h"
#include "core/store/readiness.h"
#include "core/store/sqlite_search.h"
#include "core/syndicate/feed_writer.h"
#include "core/syndicate/ninjs_writer.h"
#include "service/feed_cache.h"
#include "service/http_auth.h"

namespace newswire {
namespace {

// How long a reader may reuse a feed before asking again (with its ETag).
constexpr char kCacheControl[] = "public, max-age=30";
// A complete archive page never changes.
constexpr char kArchiveCacheControl[] = "public, max-age=31536000, immutable";
// The highest page number whose sequences fit in a uint64.
constexpr uint64_t kMaxArchivePage = UINT64_MAX / kArchivePageEvents - 1;

constexpr FeedFormatSpec kFormats[] = {
    {"/v1/feed.atom", "application/atom+xml; charset=utf-8", &WriteAtom},
    {"/v1/feed.rss", "application/rss+xml; charset=utf-8", &WriteRss},
    {"/v1/feed.json", "application/feed+json; charset=utf-8", &WriteJsonFeed},
    {"/v1/feed.ninjs", "application/json; charset=utf-8", &WriteNinjs},
};

}  // namespace

const FeedFormatSpec* FindFeedFormat(absl::string_view path) {
  for (const FeedFormatSpec& format : kFormats) {
    if (format.path == path) return &format;
  }
  return nullptr;
}

absl::StatusOr<FeedQuery> ParseFeedQuery(absl::string_view query) {
  FeedQuery out;
  std::vector<absl::string_view> rest;
  for (absl::string_view param : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    if (absl::ConsumePrefix(&param, "limit=")) {
      absl::StatusOr<uint32_t> limit = ParseLimitParam(param);
      if (!limit.ok()) return limit.status();
      out.limit = *limit;
    } else if (absl::ConsumePrefix(&param, "page=")) {
      uint64_t page = 0;
      if (param.empty() || param.size() > 20 ||
          !std::all_of(param.begin(), param.end(), absl::ascii_isdigit) ||
          !absl::SimpleAtoi(param, &page) || page > kMaxArchivePage) {
        return absl::InvalidArgumentError(
            absl::StrCat("page must be an archive page number (0 is the oldest), got ",
                         QuoteInput(param)));
      }
      out.page = page;
    } else {
      rest.push_back(param);
    }
  }
  out.filter = absl::StrJoin(rest, "&");
  return out;
}

namespace {

// Where the documents of one feed (one format, one filter) are.
struct FeedUrls {
  std::string document;  // "http://host/v1/feed.atom"
  std::string filter;    // The filter as a canonical query; may be empty.

  std::string Current() const {
    return absl::StrCat(document, filter.empty() ? "" : "?", filter);
  }
  std::string Page(uint64_t page) const {
    return absl::StrCat(document, "?", filter, filter.empty() ? "" : "&", "page=", page);
  }
};

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

// The paging links of `page` as an HTTP Link header (RFC 8288); empty for
// none.
std::string LinkHeader(const FeedPage& page) {
  std::vector<std::string> links;
  for (const auto& [rel, href] : {std::pair{"current", &page.current_url},
                                  std::pair{"prev-archive", &page.prev_archive_url},
                                  std::pair{"next-archive", &page.next_archive_url}}) {
    if (!href->empty()) links.push_back(absl::StrCat("<", *href, ">; rel=\"", rel, "\""));
  }
  return absl::StrJoin(links, ", ");
}

// `page` written in `format`, with its validators.
FeedDocument Render(const FeedFormatSpec& format, const FeedPage& page,
                    std::optional<absl::Time> last_modified, absl::string_view cache_control) {
  FeedDocument document;
  document.body = format.write(page);
  document.etag = absl::StrCat("\"", Sha256Hex(document.body, 16), "\"");
  document.last_modified = last_modified;
  document.headers.emplace_back("ETag", document.etag);
  if (last_modified.has_value()) {
    document.headers.emplace_back("Last-Modified", HttpDate(*last_modified));
  }
  document.headers.emplace_back("Cache-Control", std::string(cache_control));
  if (std::string links = LinkHeader(page); !links.empty()) {
    document.headers.emplace_back("Link", std::move(links));
  }
  document.headers.emplace_back("Content-Type", std::string(format.content_type));
  return document;
}

// `document`, or 304 (its headers but Content-Type, no body) when the
// request's copy is current.
HttpResponse Answer(const HttpRequest& request, const FeedDocument& document) {
  HttpResponse response;
  response.headers = document.headers;
  if (NotModified(request, document.etag, document.last_modified)) {
    response.status = 304;
    response.headers.pop_back();  // Content-Type, last.
    return response;
  }
  response.body = document.body;
  return response;
}

// The subscription document: the newest `limit` articles matching
// `filter`, found by search, or the same document from `cache` while the
// archive has not changed.
HttpResponse ServeCurrent(const Store& store, FeedCache& cache, const FeedFormatSpec& format,
                          const HttpRequest& request, v1::Filter filter, uint32_t limit,
                          FeedPage page, const FeedUrls& urls) {
  // Read before the search: an event appended meanwhile makes the document
  // kept below stale, never a stale document look current.
  const ArchiveStamp stamp{store.HeadSequence(), store.OldestSequence()};
  const std::string key =
      absl::StrCat(urls.Current(), "\n", FilterQueryString(filter), "\n", limit);
  if (std::shared_ptr<const FeedDocument> kept = cache.Find(key, stamp); kept != nullptr) {
    return Answer(request, *kept);
  }
  v1::SearchArticlesRequest search;
  search.set_query(filter.query());
  filter.clear_query();
  *search.mutable_filter() = std::move(filter);
  search.set_order(v1::SearchArticlesRequest::ORDER_NEWEST);
  search.set_page_size(limit);
  search.set_view(v1::ARTICLE_VIEW_FULL);
  absl::StatusOr<v1::SearchArticlesResponse> found = store.Search(search);
  if (!found.ok()) {
    if (found.status().code() == absl::StatusCode::kInvalidArgument) {
      return TextResponse(400, found.status().message());
    }
    return TextResponse(500, found.status().message());
  }

  page.self_url = urls.Current();
  std::optional<absl::Time> last_modified;
  for (v1::SearchHit& hit : *found->mutable_hits()) {
    const absl::Time version = FromProtoTime(hit.article().version_created());
    if (!last_modified.has_value() || version > *last_modified) last_modified = version;
    page.articles.push_back(std::move(*hit.mutable_article()));
  }
  if (last_modified.has_value()) page.updated = *last_modified;
  // The newest complete archive page, unless retention compacted it away.
  if (const uint64_t head = store.HeadSequence(); head >= kArchivePageEvents) {
    const uint64_t newest = head / kArchivePageEvents - 1;
    if ((newest + 1) * kArchivePageEvents >= store.OldestSequence()) {
      page.prev_archive_url = urls.Page(newest);
    }
  }
  auto document =
      std::make_shared<const FeedDocument>(Render(format, page, last_modified, kCacheControl));
  cache.Keep(key, stamp, document);
  return Answer(request, *document);
}

// Archive page `number`: the articles of its events that match `filter`.
HttpResponse ServeArchivePage(const Store& store, const FeedFormatSpec& format,
                              const HttpRequest& request, const v1::Filter& filter,
                              uint64_t number, FeedPage page, const FeedUrls& urls) {
  absl::StatusOr<FeedFilter> matcher = FeedFilter::Compile(filter);
  if (!matcher.ok()) return TextResponse(400, matcher.status().message());
  const uint64_t head = store.HeadSequence();
  const uint64_t oldest = store.OldestSequence();
  const uint64_t first = number * kArchivePageEvents + 1;
  const uint64_t last = first + kArchivePageEvents - 1;
  if (number > head / kArchivePageEvents) {
    return TextResponse(404, absl::StrCat("page ", number, " is not archived yet: the newest is ",
                                          head / kArchivePageEvents));
  }
  if (last < oldest) {
    return TextResponse(410, absl::StrCat("page ", number,
                                          " was compacted away (retention): the oldest is ",
                                          (oldest - 1) / kArchivePageEvents));
  }
  absl::StatusOr<std::vector<FeedEvent>> events = store.ReadAfter(first - 1, kArchivePageEvents);
  if (!events.ok()) return TextResponse(500, events.status().message());

  std::optional<absl::Time> last_modified;
  for (FeedEvent& event : *events) {
    if (event.sequence() > last) break;
    const absl::Time published = FromProtoTime(event.published_at());
    if (!last_modified.has_value() || published > *last_modified) last_modified = published;
    if (!matcher->MatchesEverything() && !matcher->Matches(ArticleFacts(event.article()))) {
      continue;
    }
    page.articles.push_back(std::move(*event.mutable_article()));
  }
  std::reverse(page.articles.begin(), page.articles.end());  // Newest first.
  if (last_modified.has_value()) page.updated = *last_modified;

  const bool complete = last <= head;
  page.archive = true;
  page.self_url = urls.Page(number);
  page.current_url = urls.Current();
  if (number > 0 && number * kArchivePageEvents >= oldest) {
    page.prev_archive_url = urls.Page(number - 1);
  }
  if (complete) page.next_archive_url = urls.Page(number + 1);
  return Answer(request, Render(format, page, last_modified,
                                complete ? kArchiveCacheControl : kCacheControl));
}

HttpResponse ServeFeed(const Store& store, FeedCache& cache, Gate& gate,
                       absl::string_view base_url,
                       const FeedFormatSpec& format, const HttpRequest& request,
                       const Caller& caller) {
  absl::StatusOr<FeedQuery> query = ParseFeedQuery(request.query);
  if (!query.ok()) return TextResponse(400, query.status().message());
  absl::StatusOr<v1::Filter> requested = ParseFilterQuery(query->filter);
  if (!requested.ok()) return TextResponse(400, requested.status().message());
  // The feed a key gets is within its entitlements.
  absl::StatusOr<v1::Filter> filter = EntitledFilter(*caller.principal, *requested);
  if (!filter.ok()) return HttpDenial(gate.Deny(caller, filter.status()));

  // The same filter always gives the same feed id and links.
  const std::string filter_query = FilterQueryString(*requested);
  const FeedUrls urls{.document = absl::StrCat(base_url, format.path), .filter = filter_query};
  FeedPage page;
  page.id =
      absl::StrCat(base_url, "/v1/feed", filter_query.empty() ? "" : "?", filter_query);
  page.title = "newswire";
  page.home_url = absl::StrCat(base_url, "/");             // The wire monitor.
  page.hub_url = absl::StrCat(base_url, "/v1/websub");     // service/websub_hub.h
  page.updated = absl::UnixEpoch();
  if (query->page.has_value()) {
    return ServeArchivePage(store, format, request, *filter, *query->page, std::move(page),
                            urls);
  }
  return ServeCurrent(store, cache, format, request, *std::move(filter), query->limit,
                      std::move(page), urls);
}

}  // namespace

std::vector<HttpRoute> FeedRoutes(const Store& store, Gate& gate) {
  std::vector<HttpRoute> routes;
  // Shared by the routes, which keep it alive.
  auto cache = std::make_shared<FeedCache>();
  routes.push_back(
      {"GET", "/healthz", [](const HttpRequest&) { return TextResponse(200, "ok"); }});
  routes.push_back({"GET", "/readyz", [&store](const HttpRequest&) {
                      const absl::Status ready = Readiness(store, absl::Now());
                      return ready.ok() ? TextResponse(200, "ok")
                                        : TextResponse(503, ready.message());
                    }});
  for (const FeedFormatSpec& format : kFormats) {
    routes.push_back(
        {"GET", std::string(format.path),
         Guarded(gate, absl::StrCat("GET ", format.path), Action::kSubscribe,
                 [&store, &gate, &format, cache](const HttpRequest& request,
                                                 const Caller& caller) {
                   const std::string host = request.Header("host");
                   return ServeFeed(store, *cache, gate,
                                    absl::StrCat("http://", host.empty() ? "localhost" : host),
                                    format, request, caller);
                 })});
  }
  return routes;
}

}  // namespace newswire
