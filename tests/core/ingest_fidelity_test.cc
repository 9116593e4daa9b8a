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

// --- 3. Undeclared well-known prefixes --------------------------------------------

TEST(IngestFidelity, UndeclaredWellKnownPrefixesAreRead) {
  // Not one xmlns: declaration in the document.
  const Feed feed = Parse(
      Rss("<atom:link href=\"https://wire.example/\" rel=\"alternate\"/>"
          "<item><title>Storm hits coast</title><guid>urn:s:1</guid>"
          "<description>Short.</description>"
          "<content:encoded><![CDATA[<p>The storm hit the coast at "
          "dawn.</p>]]></content:encoded>"
          "<dc:creator>Ana Lima</dc:creator>"
          "<media:content url=\"https://img.example/storm.jpg\" type=\"image/jpeg\" "
          "fileSize=\"2048\" media:medium=\"image\"/>"
          "<foo:bar>unknown</foo:bar></item>"));
  ASSERT_EQ(feed.articles.size(), 1u);
  const Article& a = feed.articles[0];
  EXPECT_EQ(a.body_text(), "The storm hit the coast at dawn.");
  EXPECT_EQ(a.summary(), "Short.");
  EXPECT_EQ(a.byline(), "Ana Lima");
  bool image = false;
  for (const v1::Link& link : a.links()) {
    image |= link.href() == "https://img.example/storm.jpg" && link.rel() == "enclosure";
  }
  EXPECT_TRUE(image);
  EXPECT_EQ(feed.link, "https://wire.example/");
  // The document is not namespace-well-formed, and each prefix is noted.
  EXPECT_FALSE(feed.well_formed);
  const std::string notes = Notes(feed);
  EXPECT_TRUE(absl::StrContains(
      notes,
      "undeclared prefix \"content:\" read as http://purl.org/rss/1.0/modules/content/"))
      << notes;
  EXPECT_TRUE(absl::StrContains(notes, "undeclared prefix \"dc:\" read as")) << notes;
  EXPECT_TRUE(
      absl::StrContains(notes, "undeclared prefix \"foo:\": its elements are not read"))
      << notes;
}

TEST(IngestFidelity, DeclaredPrefixesAreLeftAlone) {
  // "c:" bound to the content module's namespace: read, and nothing to note.
  const Feed feed =
      Parse(Rss("<item><title>t</title><guid>urn:d:1</guid>"
                "<c:encoded>&lt;p&gt;Body.&lt;/p&gt;</c:encoded></item>",
                " xmlns:c=\"http://purl.org/rss/1.0/modules/content/\""));
  ASSERT_EQ(feed.articles.size(), 1u);
  EXPECT_EQ(feed.articles[0].body_text(), "Body.");
  EXPECT_TRUE(feed.notes.empty()) << Notes(feed);
}

// --- 4. Atom inside RSS ----------------------------------------------------------

constexpr char kAtomNs[] = " xmlns:atom=\"http://www.w3.org/2005/Atom\"";

TEST(IngestFidelity, AtomElementsStandInForMissingRssOnes) {
  const Feed feed = Parse(
      Rss("<item><title>Vote count</title><guid>urn:v:1</guid>"
          "<atom:published>2024-11-19T10:20:00+01:00</atom:published>"
          "<atom:updated>2024-11-19T12:00:00+01:00</atom:updated>"
          "<atom:author><atom:name>Jo Bloggs</atom:name></atom:author>"
          "<atom:summary>Counting goes on.</atom:summary>"
          "<atom:content type=\"html\">&lt;p&gt;Counting goes on in the north.&lt;/p&gt;"
          "</atom:content>"
          "<atom:category term=\"politics\" label=\"Politics\"/></item>",
          kAtomNs,
          "<atom:link rel=\"self\" href=\"https://wire.example/feed.xml\"/>"
          "<atom:link rel=\"alternate\" href=\"https://wire.example/\"/>"));
  ASSERT_EQ(feed.articles.size(), 1u);
  const Article& a = feed.articles[0];
  EXPECT_EQ(Utc(a.first_created()), "2024-11-19T09:20:00Z");
  EXPECT_EQ(Utc(a.version_created()), "2024-11-19T11:00:00Z");
  EXPECT_EQ(a.utc_offset_minutes(), 60);
  EXPECT_EQ(a.byline(), "Jo Bloggs");
  EXPECT_EQ(a.summary(), "Counting goes on.");
  EXPECT_EQ(a.body_text(), "Counting goes on in the north.");
  ASSERT_EQ(a.subjects_size(), 1);
  EXPECT_EQ(a.subjects(0).name(), "Politics");
  EXPECT_EQ(a.subjects(0).code(), "politics");
  EXPECT_EQ(feed.link, "https://wire.example/");
}

TEST(IngestFidelity, RssElementsWinOverTheirAtomStandIns) {
  const Feed feed =
      Parse(Rss("<item><title>t</title><guid>urn:w:1</guid>"
                "<atom:published>2020-01-01T00:00:00Z</atom:published>"
                "<pubDate>Tue, 19 Nov 2024 10:20:00 GMT</pubDate>"
                "<atom:author><atom:name>Atom Name</atom:name></atom:author>"
                "<author>rss@example.org (Rss Name)</author>"
                "<atom:summary>Atom summary.</atom:summary>"
                "<description>RSS summary.</description></item>",
                kAtomNs,
                "<link>https://rss.example/</link>"
                "<atom:link rel=\"alternate\" href=\"https://atom.example/\"/>"));
  ASSERT_EQ(feed.articles.size(), 1u);
  const Article& a = feed.articles[0];
  EXPECT_EQ(Utc(a.first_created()), "2024-11-19T10:20:00Z");
  EXPECT_EQ(a.byline(), "Rss Name");
  EXPECT_EQ(a.body_text(), "RSS summary.");
  EXPECT_EQ(feed.link, "https://rss.example/");
}

// --- 5. JSON Feed versions as numbers ------------------------------------------

TEST(IngestFidelity, JsonFeedVersionWrittenAsANumberIsRead) {
  for (const char* version : {"\"1\"", "\"1.0\"", "\"1.1\"", "1", "1.1"}) {
    const Feed feed = Parse(absl::StrCat(
        "{\"version\": ", version,
        ", \"title\": \"Wire\", \"items\": [{\"id\": \"1\", \"title\": \"Hello\"}]}"));
    EXPECT_EQ(feed.format, FeedFormat::kJsonFeed) << version;
    ASSERT_EQ(feed.articles.size(), 1u) << version;
    EXPECT_EQ(feed.articles[0].headline(), "Hello");
    const bool v11 = absl::StrContains(version, "1.1");
    EXPECT_EQ(feed.version, v11 ? "jsonfeed11" : "jsonfeed10") << version;
    EXPECT_TRUE(absl::StrContains(
        Notes(feed), absl::StrCat("read as JSON Feed ", v11 ? "1.1" : "1.0")))
        << Notes(feed);
  }
}

TEST(IngestFidelity, JsonThatIsNoFeedIsStillRefused) {
  // A version without items (package.json), another version, no version.
  for (const char* json :
       {"{\"version\": \"1.0\", \"name\": \"left-pad\"}",
        "{\"version\": \"2\", \"items\": []}", "{\"version\": 1.5, \"items\": []}",
        "{\"title\": \"x\", \"items\": []}"}) {
    absl::StatusOr<Feed> feed = ParseFeed(json, {});
    ASSERT_FALSE(feed.ok()) << json;
    EXPECT_TRUE(absl::StrContains(feed.status().message(), "neither a JSON Feed"))
        << feed.status();
  }
}

// --- 6. Authors as addresses; podcast fields ---------------------------------

TEST(IngestFidelity, AnAddressAloneIsNoByline) {
  const Feed feed = Parse(Rss(
      "<item><title>a</title><guid>urn:e:1</guid><author>email@example.com</author></"
      "item>"
      "<item><title>b</title><guid>urn:e:2</guid><author>jane.doe@example.com</author></"
      "item>"
      "<item><title>c</title><guid>urn:e:3</guid><author>news.desk@example.com</author>"
      "<author>Jo Bloggs &lt;jo@example.com&gt;</author></item>"));
  ASSERT_EQ(feed.articles.size(), 3u);
  EXPECT_EQ(feed.articles[0].byline(), "");
  EXPECT_EQ(feed.articles[1].byline(), "Jane Doe");
  EXPECT_EQ(feed.articles[2].byline(), "Jo Bloggs");
  // The address given alone is kept as an author link.
  const auto author_link = [](const Article& a) {
    for (const v1::Link& link : a.links()) {
      if (link.rel() == "author") return link.href();
    }
    return std::string();
  };
  EXPECT_EQ(author_link(feed.articles[0]), "mailto:email@example.com");
  EXPECT_EQ(author_link(feed.articles[1]), "mailto:jane.doe@example.com");
  EXPECT_EQ(author_link(feed.articles[2]), "mailto:news.desk@example.com");
}

TEST(IngestFidelity, PodcastFieldsStandInForMissingRssOnes) {
  const std::string itunes =
      " xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\"";
  const Feed feed =
      Parse(Rss("<item><title>Episode 1</title><guid>urn:p:1</guid>"
                "<itunes:summary>We talk about tides.</itunes:summary>"
                "<itunes:author>Sam Host</itunes:author>"
                "<itunes:keywords>tides, sea ,moon</itunes:keywords></item>"
                "<item><title>Episode 2</title><guid>urn:p:2</guid>"
                "<description>Waves.</description></item>",
                itunes, "<itunes:author>Channel Host</itunes:author>"));
  ASSERT_EQ(feed.articles.size(), 2u);
  const Article& a = feed.articles[0];
  EXPECT_EQ(a.body_text(), "We talk about tides.");
  EXPECT_EQ(a.byline(), "Sam Host");
  ASSERT_EQ(a.keywords_size(), 3);
  EXPECT_EQ(a.keywords(0), "tides");
  EXPECT_EQ(a.keywords(1), "sea");
  EXPECT_EQ(a.keywords(2), "moon");
  // An item without an author of its own has the channel's.
  EXPECT_EQ(feed.articles[1].byline(), "Channel Host");
}

}  // namespace
}  // namespace newswire
