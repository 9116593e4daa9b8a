// The pieces every feed writer spells the same way: JSON strings (JsonQuote), RFC 3339
// times in the article's own offset, and which time stands for an
// article's first and current version.
#ifndef NEWSWIRE_CORE_SYNDICATE_FEED_TEXT_H_
#define NEWSWIRE_CORE_SYNDICATE_FEED_TEXT_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "core/model/article.h"
#include "core/base/json_quote.h"

namespace newswire {

// `text` as a JSON string, quotes included (RFC 8259).
inline std::string Json(absl::string_view text) { return JsonQuote(text); }

// RFC 3339 at a UTC offset of `offset_minutes`:
// "2024-11-19T10:20:00-05:00", or "...Z" at offset 0.
std::string Rfc3339(absl::Time time, int offset_minutes);

// When the article was first out, and when this version was; each stands
// in for the other when the article lacks it.
absl::Time FirstCreated(const Article& a);
absl::Time VersionCreated(const Article& a);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_SYNDICATE_FEED_TEXT_H_
