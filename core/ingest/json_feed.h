// The JSON feed formats: JSON Feed 1.0/1.1 (https://jsonfeed.org) and IPTC
// ninjs 1.x/2.x (one object, or an array of them), parsed with simdjson
// (Debian libsimdjson-dev: validates UTF-8 and bounds nesting as it parses).
#ifndef NEWSWIRE_CORE_INGEST_JSON_FEED_H_
#define NEWSWIRE_CORE_INGEST_JSON_FEED_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/ingest/feed.h"

namespace newswire {

// JSON nested deeper than this is refused.
inline constexpr size_t kMaxJsonDepth = 64;

// Which JSON format `text` is: kJsonFeed for an object whose "version" is a
// jsonfeed.org version URL, kNinjs for an object (or array of objects) with
// ninjs fields. INVALID_ARGUMENT for JSON that does not parse (simdjson's
// reason), is nested deeper than kMaxJsonDepth, or is neither format.
absl::StatusOr<FeedFormat> DetectJsonFormat(absl::string_view text);

// Parses a JSON Feed or ninjs document (see DetectJsonFormat).
absl::StatusOr<Feed> ParseJsonFeed(absl::string_view text, const FeedOptions& options);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_INGEST_JSON_FEED_H_
