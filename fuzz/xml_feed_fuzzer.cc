// Fuzzes ParseFeed (core/ingest/feed.h) on XML feeds: RSS, RSS 1.0 and
// Atom through libxml2 with recovery, entity limits, encoding detection,
// HTML content and URL resolution. Each input is parsed as it is and, when
// it does not open with '<', also as the description of an RSS item, so
// that mutated text reaches the item code at once. Every result passes
// CheckFeed: an error that names the problem, or articles that are valid
// and normalized, with non-empty notes.
#include <cstddef>
#include <cstdint>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  newswire::fuzz::CheckParseFeed(input, "https://news.example/world/feed.xml",
                                 /*wrap=*/!absl::StartsWith(input, "<"),
                                 "<rss version=\"2.0\"><channel><item><description>",
                                 "</description></item></channel></rss>");
  return 0;
}
