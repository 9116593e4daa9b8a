// Feeds and articles as they come from the wild, read faithfully: dates in
// named zones, UTF-8 with a stray byte, undeclared prefixes, Atom inside
// RSS, JSON Feed versions written as numbers, authors given as addresses.
// Each case is written for this test.
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "core/ingest/feed.h"
#include "gtest/gtest.h"

namespace newswire {
namespace {

std::string Utc(const google::protobuf::Timestamp& t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(t.seconds()),
                          absl::UTCTimeZone());
}

Feed Parse(const std::string& bytes) {
  absl::StatusOr<Feed> feed = ParseFeed(bytes, {.base_url = "", .charset = ""});
  EXPECT_TRUE(feed.ok()) << feed.status();
  return feed.ok() ? *std::move(feed) : Feed();
}

std::string Notes(const Feed& feed) { return absl::StrJoin(feed.notes, "\n"); }

// An RSS 2.0 document around `items`, with `namespaces` declared on <rss>.
std::string Rss(absl::string_view items, absl::string_view namespaces = "",
                absl::string_view channel_extra = "") {
  return absl::StrCat("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"",
                      namespaces, "><channel><title>Wire</title>", channel_extra, items,
                      "</channel></rss>");
}

// --- 1. Dates in named zones -------------------------------------------------

TEST(IngestFidelity, DatesInNamedZonesAreReadAtTheirOffset) {
  const Feed feed =
      Parse(Rss("<item><title>a</title><guid>urn:a</guid>"
                "<pubDate>Mon, 02 Jan 2006 15:04:05 CEST</pubDate></item>"
                "<item><title>b</title><guid>urn:b</guid>"
                "<pubDate>Mon, 02 Jan 2006 15:04:05 IST</pubDate></item>"
                "<item><title>c</title><guid>urn:c</guid>"
                "<pubDate>Mon, 02 Jan 2006 15:04:05 AEST</pubDate></item>"));
  ASSERT_EQ(feed.articles.size(), 3u);
  EXPECT_EQ(Utc(feed.articles[0].first_created()), "2006-01-02T13:04:05Z");
  EXPECT_EQ(feed.articles[0].utc_offset_minutes(), 120);
  EXPECT_EQ(Utc(feed.articles[1].first_created()), "2006-01-02T09:34:05Z");
  EXPECT_EQ(feed.articles[1].utc_offset_minutes(), 330);
  EXPECT_EQ(Utc(feed.articles[2].first_created()), "2006-01-02T05:04:05Z");
  EXPECT_EQ(feed.articles[2].utc_offset_minutes(), 600);
  EXPECT_TRUE(feed.notes.empty()) << Notes(feed);
}

TEST(IngestFidelity, AnUnknownZoneKeepsTheWallTimeAndSaysSo) {
  const Feed feed =
      Parse(Rss("<item><title>a</title><guid>urn:a</guid>"
                "<pubDate>Mon, 02 Jan 2006 15:04:05 XYZ</pubDate></item>"
                "<item><title>b</title><guid>urn:b</guid>"
                "<pubDate>Mon, 02 Jan 2006 15:04:05</pubDate></item>"));
  ASSERT_EQ(feed.articles.size(), 2u);
  EXPECT_EQ(Utc(feed.articles[0].first_created()), "2006-01-02T15:04:05Z");
  EXPECT_EQ(feed.articles[0].utc_offset_minutes(), 0);  // Unknown.
  EXPECT_TRUE(absl::StrContains(Notes(feed),
                                "item 1: published date \"Mon, 02 Jan 2006 15:04:05 "
                                "XYZ\": unknown time zone \"XYZ\": "
                                "the clock time is read as UTC"))
      << Notes(feed);
  EXPECT_TRUE(absl::StrContains(Notes(feed),
                                "item 2: published date \"Mon, 02 Jan 2006 "
                                "15:04:05\": no time zone given"))
      << Notes(feed);
}

// --- 2. UTF-8 with a stray byte ------------------------------------------------

TEST(IngestFidelity, AStrayByteDoesNotTurnAnArticleIntoMojibake) {
  // A plain-text article, UTF-8 throughout but for one windows-1252
  // apostrophe (0x92): the dateline (after "—") must still be found.
  const std::string text =
      "Japanese minister arrives in Kyiv\n\n"
      "KYIV, Ukraine \xE2\x80\x94 Japan\x92s foreign minister arrived on Saturday.\n\n"
      "He met his Ukrainian counterpart.\n";
  const Feed feed = Parse(text);
  ASSERT_EQ(feed.articles.size(), 1u);
  const Article& a = feed.articles[0];
  EXPECT_EQ(a.dateline(), "KYIV, Ukraine");
  EXPECT_TRUE(absl::StartsWith(a.body_text(), "Japan\xE2\x80\x99s foreign minister"))
      << a.body_text();
  EXPECT_FALSE(absl::StrContains(a.body_text(), "\xC3\xA2\xE2\x82\xAC")) << "mojibake";
  EXPECT_EQ(feed.encoding, "utf-8");
  EXPECT_TRUE(absl::StrContains(Notes(feed), "not valid UTF-8 at byte 58"))
      << Notes(feed);
}

TEST(IngestFidelity, AStrayByteInAFeedLabelledUtf8IsReadAlone) {
  const Feed feed =
      Parse(Rss("<item><title>Caf\xC3\xA9 \xE2\x80\x94 it\x92s "
                "open</title><guid>urn:a</guid></item>"));
  ASSERT_EQ(feed.articles.size(), 1u);
  EXPECT_EQ(feed.articles[0].headline(), "Caf\xC3\xA9 \xE2\x80\x94 it\xE2\x80\x99s open");
  EXPECT_EQ(feed.encoding, "utf-8");
  EXPECT_TRUE(absl::StrContains(Notes(feed), "those bytes read as windows-1252"))
      << Notes(feed);
}

}  // namespace
}  // namespace newswire
