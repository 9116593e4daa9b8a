// Fuzzes ParseFeed (core/ingest/feed.h) on JSON feeds: JSON Feed 1.0/1.1
// and ninjs through simdjson. Each input is parsed as it is and, when it
// does not open with '{' or '[', also as an item of a JSON Feed 1.1, so
// that mutated text reaches the item code at once. Every result passes
// CheckFeed: an error that names the problem, or articles that are valid
// and normalized, with non-empty notes.
#include <cstddef>
#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  const absl::string_view start = absl::StripLeadingAsciiWhitespace(input);
  newswire::fuzz::CheckParseFeed(
      input, "https://news.example/world/feed.json",
      /*wrap=*/start.empty() || (start[0] != '{' && start[0] != '['),
      R"({"version": "https://jsonfeed.org/version/1.1", "title": "Wire", "items": [)",
      "]}");
  return 0;
}
