// Reading simdjson DOM values for the JSON formats (json_feed.cc, ninjs.cc).
#ifndef NEWSWIRE_CORE_INGEST_JSON_VALUE_H_
#define NEWSWIRE_CORE_INGEST_JSON_VALUE_H_

#include <simdjson.h>

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "core/ingest/feed.h"

namespace newswire::json {

using Value = simdjson::dom::element;

// The member `key` of `object`; nullopt if absent or `object` is no object.
std::optional<Value> Member(Value object, absl::string_view key);
// The member as text: a string as is, a number written out; else empty.
std::string String(Value object, absl::string_view key);
// The member as an unsigned integer (a number, or a string of digits).
std::optional<uint64_t> Unsigned(Value object, absl::string_view key);
// Calls `visit` for each element of the array member `key` (nothing if it
// is absent or not an array).
template <typename Visit>
void ForEachIn(Value object, absl::string_view key, Visit&& visit) {
  std::optional<Value> array = Member(object, key);
  if (!array.has_value() || !array->is_array()) return;
  for (Value element : simdjson::dom::array(*array)) visit(element);
}

// Reads a ninjs document (an object or an array of objects) into `feed`.
void ReadNinjs(Value root, const FeedOptions& options, Feed& feed);
// True for an object that carries ninjs fields.
bool LooksLikeNinjs(Value object);

}  // namespace newswire::json

#endif  // NEWSWIRE_CORE_INGEST_JSON_VALUE_H_
