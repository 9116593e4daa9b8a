// Every file of the public feed test suites in ../shared/corpus parses
// without a crash or a hang, and feed-rs's fixtures give the titles, item
// counts, ids, links and dates its .serde.json expectations state. (The
// feedparser suite, whose expectations are Python expressions, is checked
// from Python: tests/python/test_feed_corpus.py.) Skipped, with a message,
// where ../shared is absent.
#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "core/ingest/feed.h"
#include "core/ingest/html_text.h"
#include "gtest/gtest.h"

namespace newswire {
namespace {

namespace fs = std::filesystem;

const fs::path kCorpus = fs::path(NEWSWIRE_SHARED_DIR) / "corpus";
const fs::path kFeedRs = kCorpus / "feed-rs/feed-rs/fixture";

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

// Files feed-rs's own suite expects to fail: truncated XML, and the XML
// layer's samples, which are not feeds.
bool ExpectedToFail(const fs::path& path) {
  return path.filename() == "rss_2.0_invalid_1.xml" || path.parent_path().filename() == "xml";
}

std::string Rfc3339(const google::protobuf::Timestamp& t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(t.seconds()),
                          absl::UTCTimeZone());
}

std::string JsonString(simdjson::dom::element object, const char* key) {
  std::string_view value;
  if (object[key].get_string().get(value) != simdjson::SUCCESS) return "";
  return std::string(value);
}

// "2019-08-01T20:15:00Z" as RFC 3339 UTC to the second, or "" for null.
std::string ExpectedDate(simdjson::dom::element object, const char* key) {
  std::string text = JsonString(object, key);
  if (text.empty()) return "";
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &time, &error)) return "unparsable " + text;
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", time, absl::UTCTimeZone());
}

// Compares one fixture with its expectations; returns the mismatches.
std::vector<std::string> CompareWithFeedRs(const fs::path& fixture, const Feed& feed) {
  fs::path expected_path = fixture;
  expected_path.replace_extension(".serde.json");
  std::vector<std::string> problems;
  simdjson::dom::parser parser;
  simdjson::dom::element expected;
  if (parser.load(expected_path.string()).get(expected) != simdjson::SUCCESS) {
    return {"no readable " + expected_path.filename().string()};
  }
  if (simdjson::dom::element title; expected["title"].get(title) == simdjson::SUCCESS &&
                                    title.is_object()) {
    const std::string want = HtmlToLine(JsonString(title, "content"));
    if (want != feed.title) problems.push_back("title \"" + feed.title + "\" != \"" + want + "\"");
  }
  simdjson::dom::array entries;
  if (expected["entries"].get(entries) != simdjson::SUCCESS) return problems;
  if (entries.size() != feed.articles.size()) {
    problems.push_back(absl::StrCat(feed.articles.size(), " articles, expected ", entries.size()));
    return problems;
  }
  size_t i = 0;
  for (simdjson::dom::element entry : entries) {
    const Article& article = feed.articles[i++];
    const std::string where = absl::StrCat("entry ", i, ": ");
    // feed-rs makes up a hash when an item has no id; real ids are URIs.
    const std::string id = JsonString(entry, "id");
    if (IsUri(id) && id != article.id()) {
      problems.push_back(where + "id " + article.id() + " != " + id);
    }
    simdjson::dom::array links;
    if (entry["links"].get(links) == simdjson::SUCCESS) {
      for (simdjson::dom::element link : links) {
        const std::string rel = JsonString(link, "rel");
        if (!rel.empty() && rel != "alternate") continue;
        if (JsonString(link, "href") != article.canonical_url()) {
          problems.push_back(where + "link " + article.canonical_url() + " != " +
                             JsonString(link, "href"));
        }
        break;
      }
    }
    const std::string published = ExpectedDate(entry, "published");
    if (!published.empty() &&
        (!article.has_first_created() || Rfc3339(article.first_created()) != published)) {
      problems.push_back(where + "published " +
                         (article.has_first_created() ? Rfc3339(article.first_created()) : "none") +
                         " != " + published);
    }
    const std::string updated = ExpectedDate(entry, "updated");
    if (!updated.empty() &&
        (!article.has_version_created() || Rfc3339(article.version_created()) != updated)) {
      problems.push_back(where + "updated " +
                         (article.has_version_created() ? Rfc3339(article.version_created())
                                                        : "none") +
                         " != " + updated);
    }
  }
  return problems;
}

TEST(FeedCorpus, FeedRsFixturesMatchTheirExpectations) {
  if (!fs::is_directory(kFeedRs)) {
    GTEST_SKIP() << "feed-rs corpus not found at " << kFeedRs << "; skipping";
  }
  std::map<std::string, std::pair<int, int>> passed;  // directory -> (passed, total)
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(kFeedRs)) {
    const fs::path& path = entry.path();
    if (!entry.is_regular_file() || absl::EndsWith(path.string(), ".serde.json")) continue;
    const std::string name = path.lexically_relative(kFeedRs).string();
    auto& [ok, total] = passed[path.parent_path().filename().string()];
    ++total;
    absl::StatusOr<Feed> feed = ParseFeed(ReadAll(path));
    if (ExpectedToFail(path)) {
      EXPECT_FALSE(feed.ok()) << name << " should not parse";
      ok += !feed.ok();
      continue;
    }
    if (!feed.ok()) {
      ADD_FAILURE() << name << ": " << feed.status();
      continue;
    }
    const std::vector<std::string> problems = CompareWithFeedRs(path, *feed);
    for (const std::string& problem : problems) ADD_FAILURE() << name << ": " << problem;
    ok += problems.empty();
  }
  for (const auto& [directory, counts] : passed) {
    std::cout << "feed-rs " << directory << ": " << counts.first << "/" << counts.second
              << " pass\n";
  }
}

// Whatever the file, ParseFeed returns: a Feed or a clean error.
TEST(FeedCorpus, EveryCorpusFileParsesOrFailsCleanly) {
  if (!fs::is_directory(kCorpus)) {
    GTEST_SKIP() << "corpus not found at " << kCorpus << "; skipping";
  }
  size_t files = 0;
  size_t feeds = 0;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(kCorpus)) {
    if (!entry.is_regular_file() || entry.path().extension() == ".md") continue;
    ++files;
    absl::StatusOr<Feed> feed = ParseFeed(ReadAll(entry.path()));
    if (feed.ok()) {
      ++feeds;
      for (const Article& article : feed->articles) {
        EXPECT_TRUE(ValidateArticle([&] {
                      Article a = article;
                      if (a.version() == 0) a.set_version(1);
                      return a;
                    }())
                        .ok())
            << entry.path();
      }
    } else {
      EXPECT_FALSE(feed.status().message().empty()) << entry.path();
    }
  }
  std::cout << files << " corpus files: " << feeds << " parsed as feeds, " << files - feeds
            << " refused with an error\n";
  EXPECT_GT(files, 1000u);
}

// defusedxml's attack files: entity bombs are refused, external entities and
// DTDs are never fetched (the files are not feeds, so a clean "not a feed"
// is the best outcome for the harmless ones).
TEST(FeedCorpus, DefusedXmlAttacksAreRefusedOrDefused) {
  const fs::path dir = kCorpus / "defusedxml/xmltestdata";
  if (!fs::is_directory(dir)) GTEST_SKIP() << "defusedxml corpus not found at " << dir;
  for (const char* bomb : {"xmlbomb.xml", "quadratic.xml", "cyclic.xml"}) {
    absl::StatusOr<Feed> feed = ParseFeed(ReadAll(dir / bomb));
    EXPECT_TRUE(absl::StrContains(feed.status().message(), "entity expansion refused"))
        << bomb << ": " << feed.status();
  }
  for (const char* harmless : {"external.xml", "external_file.xml", "dtd.xml", "simple.xml",
                               "xmlbomb2.xml"}) {
    absl::StatusOr<Feed> feed = ParseFeed(ReadAll(dir / harmless));
    EXPECT_TRUE(absl::StrContains(feed.status().message(), "is not a feed"))
        << harmless << ": " << feed.status();
  }
}

}  // namespace
}  // namespace newswire
