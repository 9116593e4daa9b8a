// What the newswire fuzz targets share: reporting a broken invariant, and
// the checks every parsed Article and Feed must pass.
//
// A broken invariant prints what broke to stderr and aborts; libFuzzer
// reports the abort as a crash and saves the input that caused it.
#ifndef NEWSWIRE_FUZZ_FUZZ_CHECK_H_
#define NEWSWIRE_FUZZ_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "core/model/article.h"
#include "core/ingest/feed.h"

namespace newswire::fuzz {

[[noreturn]] inline void Fail(const char* file, int line, const char* condition,
                              absl::string_view detail) {
  const std::string escaped = absl::CHexEscape(detail.substr(0, 2000));
  std::fprintf(stderr, "%s:%d: invariant broken: %s\n  %s\n", file, line, condition,
               escaped.c_str());
  std::abort();
}

// Aborts, naming `condition` and `detail` (any string_view-able text), when
// `condition` is false.
#define NEWSWIRE_FUZZ_CHECK(condition, detail)                                        \
  do {                                                                                \
    if (!(condition)) ::newswire::fuzz::Fail(__FILE__, __LINE__, #condition, detail); \
  } while (false)

// An error from a parser: INVALID_ARGUMENT naming the problem (or
// RESOURCE_EXHAUSTED when memory ran out), never OK and never empty.
inline void CheckError(const absl::Status& status) {
  NEWSWIRE_FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument ||
                          status.code() == absl::StatusCode::kResourceExhausted,
                      status.ToString());
  NEWSWIRE_FUZZ_CHECK(!status.message().empty(), status.ToString());
}

// A parsed Article is valid (ValidateArticle) and normalized
// (NormalizeArticle changes nothing), once a version 0 ("the Wire picks")
// is read as 1.
inline void CheckArticle(const Article& parsed) {
  Article article = parsed;
  if (article.version() == 0) article.set_version(1);
  const absl::Status valid = ValidateArticle(article);
  NEWSWIRE_FUZZ_CHECK(valid.ok(), valid.ToString());
  Article normalized = article;
  NormalizeArticle(normalized);
  NEWSWIRE_FUZZ_CHECK(normalized.SerializeAsString() == article.SerializeAsString(),
                      article.DebugString());
}

// What ParseFeed returns: an error as CheckError, or a feed whose articles
// pass CheckArticle, at most kMaxFeedItems of them, whose notes are
// non-empty lines, and whose skipped items each have a note.
inline void CheckFeed(const absl::StatusOr<Feed>& feed) {
  if (!feed.ok()) {
    CheckError(feed.status());
    return;
  }
  NEWSWIRE_FUZZ_CHECK(feed->articles.size() <= kMaxFeedItems, feed->version);
  for (const Article& article : feed->articles) CheckArticle(article);
  for (const std::string& note : feed->notes)
    NEWSWIRE_FUZZ_CHECK(!note.empty(), feed->version);
  NEWSWIRE_FUZZ_CHECK(feed->skipped_items <= feed->notes.size(), feed->version);
}

// Checks ParseFeed on `input` as read from `feed_url`, and, when `wrap`, on
// `input` between `open` and `close`: markup that makes the bytes an item
// of a feed, so that mutated text reaches the item code at once.
inline void CheckParseFeed(absl::string_view input, absl::string_view feed_url, bool wrap,
                           absl::string_view open, absl::string_view close) {
  FeedOptions options;
  options.base_url = std::string(feed_url);
  CheckFeed(ParseFeed(input, options));
  if (wrap) CheckFeed(ParseFeed(absl::StrCat(open, input, close), options));
}

}  // namespace newswire::fuzz

#endif  // NEWSWIRE_FUZZ_FUZZ_CHECK_H_
