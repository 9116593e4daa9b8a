#include "core/ingest/json_value.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace newswire::json {

std::optional<Value> Member(Value object, absl::string_view key) {
  if (!object.is_object()) return std::nullopt;
  Value value;
  if (object.at_key(std::string_view(key.data(), key.size())).get(value) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  return value;
}

std::string String(Value object, absl::string_view key) {
  std::optional<Value> value = Member(object, key);
  if (!value.has_value()) return "";
  std::string_view text;
  if (value->get_string().get(text) == simdjson::SUCCESS) return std::string(text);
  int64_t integer = 0;
  if (value->get_int64().get(integer) == simdjson::SUCCESS) return absl::StrCat(integer);
  uint64_t big = 0;
  if (value->get_uint64().get(big) == simdjson::SUCCESS) return absl::StrCat(big);
  double real = 0;
  if (value->get_double().get(real) == simdjson::SUCCESS) return absl::StrCat(real);
  return "";
}

std::optional<uint64_t> Unsigned(Value object, absl::string_view key) {
  std::optional<Value> value = Member(object, key);
  if (!value.has_value()) return std::nullopt;
  uint64_t number = 0;
  if (value->get_uint64().get(number) == simdjson::SUCCESS) return number;
  std::string_view text;
  if (value->get_string().get(text) == simdjson::SUCCESS &&
      absl::SimpleAtoi(absl::StripAsciiWhitespace(absl::string_view(text.data(), text.size())),
                       &number)) {
    return number;
  }
  return std::nullopt;
}

}  // namespace newswire::json
