// What a WebSub subscriber asks of the hub (W3C WebSub, section 5.1): the
// form POSTed to /v1/websub, checked, and the topic it names read as one of
// this server's feeds.
#ifndef NEWSWIRE_SERVICE_WEBSUB_REQUEST_H_
#define NEWSWIRE_SERVICE_WEBSUB_REQUEST_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "newswire/v1/feed.pb.h"
#include "service/http_feeds.h"

namespace newswire {

// The path of the hub on the HTTP edge.
inline constexpr char kWebSubPath[] = "/v1/websub";
// hub.secret must be shorter than this (the Recommendation's bound).
inline constexpr size_t kMaxWebSubSecretBytes = 200;
// Bound on the length of hub.topic and hub.callback.
inline constexpr size_t kMaxWebSubUrlBytes = 2000;

// A topic: one of the feeds the HTTP edge serves, with its filter.
struct WebSubTopic {
  std::string url;   // As the subscriber wrote it (the state is keyed by it).
  std::string base;  // Its scheme and authority: "http://wire.example:8080".
  const FeedFormatSpec* format = nullptr;  // Atom, RSS, JSON Feed or ninjs.
  v1::Filter filter;                       // What its query parameters state.
  std::string feed_id;  // The feed's id, as GET gives it: BASE/v1/feed?FILTER.
};

// Reads `url` as a topic: http or https, any host, a feed path
// (/v1/feed.atom, .rss or .json) and a filter as the feed takes it (a limit
// is allowed and means nothing here). INVALID_ARGUMENT says what is wrong,
// starting with "hub.topic".
absl::StatusOr<WebSubTopic> ParseWebSubTopic(absl::string_view url);

enum class WebSubMode { kSubscribe, kUnsubscribe };

struct WebSubRequest {
  WebSubMode mode = WebSubMode::kSubscribe;
  WebSubTopic topic;
  std::string callback;  // http or https, without a fragment.
  // hub.lease_seconds when given: what the subscriber would like.
  std::optional<uint64_t> lease_seconds;
  std::string secret;  // Empty: deliveries unsigned.
};

// Parses a form body (application/x-www-form-urlencoded): hub.mode
// (subscribe or unsubscribe), hub.topic, hub.callback, and optionally
// hub.lease_seconds (digits) and hub.secret (under kMaxWebSubSecretBytes).
// Other parameters are ignored. INVALID_ARGUMENT names the parameter that
// is missing, repeated or bad ("hub.callback: must be an http or https
// URL").
absl::StatusOr<WebSubRequest> ParseWebSubRequest(absl::string_view form);

// The absolute URL of `topic`'s hub: "http://wire.example:8080/v1/websub".
std::string WebSubHubUrl(const WebSubTopic& topic);

// `url` with `query` (already encoded) appended after '?', or '&' when it
// has a query already.
std::string AppendQuery(absl::string_view url, absl::string_view query);

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_WEBSUB_REQUEST_H_
