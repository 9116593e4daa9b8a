#include "service/websub_request.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/base/quote_input.h"
#include "core/search/filter_query.h"

namespace newswire {
namespace {

// An absolute http(s) URL taken apart; the query excludes its '?'.
struct HttpUrl {
  absl::string_view base;  // "http://host:port".
  absl::string_view path;
  absl::string_view query;
};

// Splits `url`, or says (after `name`: ) why it is not an http(s) URL
// this hub takes.
absl::StatusOr<HttpUrl> SplitHttpUrl(absl::string_view name, absl::string_view url) {
  if (url.empty()) return absl::InvalidArgumentError(absl::StrCat(name, " is missing"));
  if (url.size() > kMaxWebSubUrlBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": longer than ", kMaxWebSubUrlBytes, " bytes"));
  }
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ": spaces and control characters must be percent-encoded"));
    }
  }
  size_t scheme_end = 0;
  if (absl::StartsWithIgnoreCase(url, "http://")) {
    scheme_end = 7;
  } else if (absl::StartsWithIgnoreCase(url, "https://")) {
    scheme_end = 8;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": must be an http or https URL"));
  }
  if (absl::StrContains(url, '#')) {
    return absl::InvalidArgumentError(absl::StrCat(name, ": must not have a fragment"));
  }
  const size_t authority_end = std::min(url.find_first_of("/?", scheme_end), url.size());
  if (authority_end == scheme_end) {
    return absl::InvalidArgumentError(absl::StrCat(name, ": has no host"));
  }
  HttpUrl parts;
  parts.base = url.substr(0, authority_end);
  absl::string_view rest = url.substr(authority_end);
  const size_t question = rest.find('?');
  parts.path = rest.substr(0, question);
  if (question != absl::string_view::npos) parts.query = rest.substr(question + 1);
  return parts;
}

}  // namespace

absl::StatusOr<WebSubTopic> ParseWebSubTopic(absl::string_view url) {
  absl::StatusOr<HttpUrl> parts = SplitHttpUrl("hub.topic", url);
  if (!parts.ok()) return parts.status();
  WebSubTopic topic;
  topic.format = FindFeedFormat(parts->path);
  if (topic.format == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("hub.topic: not a feed of this hub: the path must be /v1/feed.atom, "
                     "/v1/feed.rss, /v1/feed.json or /v1/feed.ninjs, got ",
                     QuoteInput(parts->path)));
  }
  absl::StatusOr<FeedQuery> split = ParseFeedQuery(parts->query);
  if (!split.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("hub.topic: ", split.status().message()));
  }
  if (split->page.has_value()) {
    return absl::InvalidArgumentError(
        "hub.topic: an archive page (page=) never changes; subscribe to the feed itself");
  }
  absl::StatusOr<v1::Filter> filter = ParseFilterQuery(split->filter);
  if (!filter.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("hub.topic: ", filter.status().message()));
  }
  topic.url = std::string(url);
  topic.base = std::string(parts->base);
  topic.filter = *std::move(filter);
  const std::string canonical = FilterQueryString(topic.filter);
  topic.feed_id =
      absl::StrCat(topic.base, "/v1/feed", canonical.empty() ? "" : "?", canonical);
  return topic;
}

absl::StatusOr<WebSubRequest> ParseWebSubRequest(absl::string_view form) {
  std::optional<std::string> mode, topic, callback, lease, secret;
  for (absl::string_view pair : absl::StrSplit(form, '&', absl::SkipEmpty())) {
    const size_t eq = pair.find('=');
    absl::StatusOr<std::string> name = DecodeQueryValue(pair.substr(0, eq));
    if (!name.ok()) return absl::InvalidArgumentError("the form has a broken '%' escape");
    std::optional<std::string>* slot = *name == "hub.mode"            ? &mode
                                       : *name == "hub.topic"         ? &topic
                                       : *name == "hub.callback"      ? &callback
                                       : *name == "hub.lease_seconds" ? &lease
                                       : *name == "hub.secret"        ? &secret
                                                                      : nullptr;
    if (slot == nullptr) continue;  // Extensions are the hub's to ignore.
    if (slot->has_value())
      return absl::InvalidArgumentError(absl::StrCat(*name, ": given twice"));
    absl::StatusOr<std::string> value = DecodeQueryValue(
        eq == absl::string_view::npos ? absl::string_view() : pair.substr(eq + 1));
    if (!value.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(*name, ": ", value.status().message()));
    }
    *slot = *std::move(value);
  }

  WebSubRequest request;
  if (!mode.has_value()) return absl::InvalidArgumentError("hub.mode is missing");
  if (*mode == "subscribe") {
    request.mode = WebSubMode::kSubscribe;
  } else if (*mode == "unsubscribe") {
    request.mode = WebSubMode::kUnsubscribe;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("hub.mode: must be subscribe or unsubscribe, got ", QuoteInput(*mode)));
  }
  absl::StatusOr<WebSubTopic> parsed_topic = ParseWebSubTopic(topic.value_or(""));
  if (!parsed_topic.ok()) return parsed_topic.status();
  request.topic = *std::move(parsed_topic);
  if (absl::StatusOr<HttpUrl> parts = SplitHttpUrl("hub.callback", callback.value_or(""));
      !parts.ok()) {
    return parts.status();
  }
  request.callback = *std::move(callback);
  if (lease.has_value()) {
    uint64_t seconds = 0;
    if (lease->empty() ||
        !std::all_of(lease->begin(), lease->end(), absl::ascii_isdigit) ||
        !absl::SimpleAtoi(*lease, &seconds)) {
      return absl::InvalidArgumentError(
          absl::StrCat("hub.lease_seconds: must be a whole number of seconds, got ",
                       QuoteInput(*lease)));
    }
    request.lease_seconds = seconds;
  }
  if (secret.has_value()) {
    if (secret->size() >= kMaxWebSubSecretBytes) {
      return absl::InvalidArgumentError(absl::StrCat("hub.secret: must be shorter than ",
                                                     kMaxWebSubSecretBytes, " bytes"));
    }
    request.secret = *std::move(secret);
  }
  return request;
}

std::string WebSubHubUrl(const WebSubTopic& topic) {
  return absl::StrCat(topic.base, kWebSubPath);
}

std::string AppendQuery(absl::string_view url, absl::string_view query) {
  return absl::StrCat(url, absl::StrContains(url, '?') ? "&" : "?", query);
}

}  // namespace newswire
