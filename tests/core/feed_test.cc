// ParseFeed: each format read into Articles as README's "Feed ingest" table
// says, from feeds written for these tests.
#include "core/ingest/feed.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace newswire {
namespace {

std::string Utc(const google::protobuf::Timestamp& t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(t.seconds()),
                          absl::UTCTimeZone());
}

Feed Parse(const std::string& bytes, const std::string& base_url = "") {
  absl::StatusOr<Feed> feed = ParseFeed(bytes, {.base_url = base_url, .charset = ""});
  EXPECT_TRUE(feed.ok()) << feed.status();
  return feed.ok() ? *std::move(feed) : Feed();
}

constexpr char kRss[] = R"(<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
  <title>City &amp; Council News</title>
  <link>https://news.example.com/</link>
  <description>Local news</description>
  <language>en-gb</language>
  <item>
    <title>Council approves &lt;b&gt;tram&lt;/b&gt; line</title>
    <link>/2024/11/tram</link>
    <guid isPermaLink="false">tram-1</guid>
    <description>&lt;p&gt;The vote was 31 to 4.&lt;/p&gt;</description>
    <content:encoded><![CDATA[<p>LEEDS, England — The council voted 31 to 4 on Tuesday.</p>
      <p>Work starts in spring.</p><script>alert(1)</script>]]></content:encoded>
    <dc:creator>Jo Bloggs</dc:creator>
    <author>editor@example.com (Sam Editor)</author>
    <category domain="https://example.com/topics">Transport</category>
    <category>Politics</category>
    <enclosure url="/audio/tram.mp3" length="12345" type="audio/mpeg"/>
    <pubDate>Tue, 19 Nov 2024 10:20:00 -0500</pubDate>
  </item>
  <item>
    <description>No title here. Only a description.</description>
    <guid>https://news.example.com/2024/11/untitled</guid>
  </item>
  <item><guid>empty-1</guid></item>
</channel>
</rss>)";

TEST(ParseFeed, Rss20ItemsBecomeArticles) {
  const Feed feed = Parse(kRss, "https://news.example.com/feed.xml");
  EXPECT_EQ(feed.format, FeedFormat::kRss);
  EXPECT_EQ(feed.version, "rss20");
  EXPECT_EQ(feed.encoding, "utf-8");
  EXPECT_EQ(feed.title, "City & Council News");
  EXPECT_EQ(feed.link, "https://news.example.com/");
  EXPECT_EQ(feed.language, "en-gb");
  EXPECT_TRUE(feed.well_formed);
  ASSERT_EQ(feed.articles.size(), 2u);

  const Article& a = feed.articles[0];
  EXPECT_EQ(a.headline(), "Council approves tram line");
  EXPECT_TRUE(absl::StartsWith(a.id(), "urn:newswire:item:")) << a.id();
  EXPECT_EQ(a.version(), 0u);  // The Wire picks it.
  EXPECT_EQ(a.canonical_url(), "https://news.example.com/2024/11/tram");
  EXPECT_EQ(a.dateline(), "LEEDS, England");
  ASSERT_EQ(a.places_size(), 2);  // The dateline's.
  EXPECT_EQ(a.places(0).name(), "Leeds");
  EXPECT_EQ(a.places(1).name(), "England");
  EXPECT_EQ(a.body_text(), "The council voted 31 to 4 on Tuesday.\n\nWork starts in spring.");
  EXPECT_EQ(a.summary(), "The vote was 31 to 4.");
  EXPECT_FALSE(absl::StrContains(a.body_html(), "script"));
  EXPECT_TRUE(absl::StrContains(a.body_html(), "<p>Work starts in spring.</p>")) << a.body_html();
  EXPECT_EQ(a.byline(), "Jo Bloggs, Sam Editor");
  ASSERT_EQ(a.subjects_size(), 2);
  EXPECT_EQ(a.subjects(0).name(), "Transport");
  EXPECT_EQ(a.subjects(0).scheme(), "https://example.com/topics");
  EXPECT_EQ(a.subjects(1).name(), "Politics");
  ASSERT_EQ(a.links_size(), 2);
  EXPECT_EQ(a.links(0).rel(), "alternate");
  EXPECT_EQ(a.links(1).rel(), "enclosure");
  EXPECT_EQ(a.links(1).href(), "https://news.example.com/audio/tram.mp3");
  EXPECT_EQ(a.links(1).media_type(), "audio/mpeg");
  EXPECT_EQ(a.links(1).length(), 12345u);
  EXPECT_EQ(Utc(a.first_created()), "2024-11-19T15:20:00Z");
  EXPECT_EQ(Utc(a.version_created()), "2024-11-19T15:20:00Z");
  EXPECT_EQ(a.utc_offset_minutes(), -300);
  EXPECT_EQ(a.language(), "en-gb");
  EXPECT_EQ(a.source().name(), "City & Council News");
  EXPECT_EQ(a.source().url(), "https://news.example.com/");
  EXPECT_EQ(a.source().feed_url(), "https://news.example.com/feed.xml");
  EXPECT_EQ(a.fingerprint().size(), 32u);

  // No title: the first sentence; a URI guid is the id and the permalink.
  const Article& b = feed.articles[1];
  EXPECT_EQ(b.headline(), "No title here.");
  EXPECT_EQ(b.id(), "https://news.example.com/2024/11/untitled");
  EXPECT_EQ(b.canonical_url(), "https://news.example.com/2024/11/untitled");
  // The empty item is skipped, with a note saying which and why.
  ASSERT_EQ(feed.skipped_items, 1u);
  EXPECT_EQ(feed.notes.back(), "item 3 skipped: no title, summary or content");
}

TEST(ParseFeed, AnUntitledItemInTextWithoutSpacesGetsAWholeCharacterHeadline) {
  std::string body;
  for (int i = 0; i < 600; ++i) body += "\xE6\x96\xB0";  // "新", 3 bytes, no spaces.
  const Feed feed = Parse(absl::StrCat("<rss version='2.0'><channel><title>T</title><item>"
                                       "<guid>urn:x:1</guid><description>", body,
                                       "</description></item></channel></rss>"));
  ASSERT_EQ(feed.articles.size(), 1u) << (feed.notes.empty() ? "" : feed.notes.back());
  const std::string& headline = feed.articles[0].headline();
  EXPECT_TRUE(IsValidUtf8(headline));
  EXPECT_TRUE(absl::EndsWith(headline, "\xE2\x80\xA6"));
  EXPECT_EQ(headline.size() % 3, 0u);  // Whole characters, then "…".
}

TEST(ParseFeed, IdsAreStableAcrossPollsAndScopedToTheFeed) {
  const Feed first = Parse(kRss, "https://news.example.com/feed.xml");
  const Feed again = Parse(kRss, "https://news.example.com/feed.xml");
  const Feed other = Parse(kRss, "https://elsewhere.example.org/rss");
  ASSERT_FALSE(first.articles.empty());
  EXPECT_EQ(first.articles[0].id(), again.articles[0].id());
  EXPECT_EQ(first.articles[0].fingerprint(), again.articles[0].fingerprint());
  // "tram-1" from another feed is another story.
  EXPECT_NE(first.articles[0].id(), other.articles[0].id());
  // A URI guid is the same story wherever it is read.
  EXPECT_EQ(first.articles[1].id(), other.articles[1].id());
}

TEST(ParseFeed, Rss10RdfWithDublinCore) {
  const Feed feed = Parse(R"(<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://example.org/"><title>Lab notes</title>
    <link>https://example.org/</link><dc:language>de</dc:language></channel>
  <item rdf:about="https://example.org/n/1">
    <title>Neue Messung</title><link>https://example.org/n/1</link>
    <description>Ein Ergebnis.</description>
    <dc:creator>A. Forscher</dc:creator><dc:date>2024-11-19T10:20:00+01:00</dc:date>
    <dc:subject>Physik</dc:subject>
  </item>
</rdf:RDF>)");
  EXPECT_EQ(feed.format, FeedFormat::kRdf);
  EXPECT_EQ(feed.version, "rss10");
  ASSERT_EQ(feed.articles.size(), 1u);
  const Article& a = feed.articles[0];
  EXPECT_EQ(a.id(), "https://example.org/n/1");
  EXPECT_EQ(a.byline(), "A. Forscher");
  EXPECT_EQ(a.language(), "de");
  EXPECT_EQ(Utc(a.first_created()), "2024-11-19T09:20:00Z");
  EXPECT_EQ(a.utc_offset_minutes(), 60);
  ASSERT_EQ(a.subjects_size(), 1);
  EXPECT_EQ(a.subjects(0).name(), "Physik");
}

TEST(ParseFeed, Atom10WithXhtmlContentAndXmlBase) {
  const Feed feed = Parse(R"(<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en" xml:base="https://blog.example.net/">
  <title type="html">Notes &amp;amp; Queries</title>
  <link href="/" rel="alternate" type="text/html"/>
  <link href="/atom.xml" rel="self"/>
  <author><name>Feed Author</name></author>
  <entry xml:base="posts/">
    <id>tag:blog.example.net,2024:1</id>
    <title type="text">A &lt;i&gt; is not a tag here</title>
    <link href="one.html"/>
    <link rel="related" href="https://other.example/x"/>
    <published>2024-11-19T10:20:00+05:30</published>
    <updated>2024-11-20T08:00:00Z</updated>
    <category term="ml" label="Machine learning" scheme="https://blog.example.net/tags"/>
    <summary>Short.</summary>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>First <a href="img/a.png">para</a>.</p><p>Second.</p></div></content>
  </entry>
</feed>)");
  EXPECT_EQ(feed.format, FeedFormat::kAtom);
  EXPECT_EQ(feed.version, "atom10");
  EXPECT_EQ(feed.title, "Notes & Queries");
  EXPECT_EQ(feed.link, "https://blog.example.net/");
  ASSERT_EQ(feed.articles.size(), 1u);
  const Article& a = feed.articles[0];
  EXPECT_EQ(a.id(), "tag:blog.example.net,2024:1");
  EXPECT_EQ(a.headline(), "A <i> is not a tag here");
  EXPECT_EQ(a.canonical_url(), "https://blog.example.net/posts/one.html");
  EXPECT_EQ(a.body_text(), "First para.\n\nSecond.");
  EXPECT_TRUE(absl::StrContains(a.body_html(),
                                "<a href=\"https://blog.example.net/posts/img/a.png\">para</a>"))
      << a.body_html();
  EXPECT_EQ(a.summary(), "Short.");
  EXPECT_EQ(a.byline(), "Feed Author");
  EXPECT_EQ(Utc(a.first_created()), "2024-11-19T04:50:00Z");
  EXPECT_EQ(Utc(a.version_created()), "2024-11-20T08:00:00Z");
  ASSERT_EQ(a.subjects_size(), 1);
  EXPECT_EQ(a.subjects(0).name(), "Machine learning");
  EXPECT_EQ(a.subjects(0).code(), "ml");
  EXPECT_EQ(a.language(), "en");
  ASSERT_EQ(a.links_size(), 2);
  EXPECT_EQ(a.links(1).rel(), "related");
}

TEST(ParseFeed, Atom03ContentModes) {
  const Feed feed = Parse(R"(<feed version="0.3" xmlns="http://purl.org/atom/ns#">
  <title>Old feed</title>
  <entry><title mode="escaped" type="text/html">Tom &amp;amp; Jerry</title>
    <id>urn:x:1</id><issued>2004-01-05T10:20:00Z</issued>
    <content type="text/html" mode="base64">PHA+SGVsbG8gPGI+d29ybGQ8L2I+PC9wPg==</content>
  </entry></feed>)");
  EXPECT_EQ(feed.version, "atom03");
  ASSERT_EQ(feed.articles.size(), 1u);
  EXPECT_EQ(feed.articles[0].headline(), "Tom & Jerry");
  EXPECT_EQ(feed.articles[0].body_text(), "Hello world");
  EXPECT_EQ(Utc(feed.articles[0].first_created()), "2004-01-05T10:20:00Z");
}

TEST(ParseFeed, AtomDraftNamespacesAreAtom) {
  // Before 0.3, Atom drafts lived in namespaces of their own.
  const Feed feed = Parse(R"(<feed version="0.3" xmlns="http://purl.org/echo/">
  <title>Echo</title><entry><title>One</title><id>urn:x:1</id></entry></feed>)");
  EXPECT_EQ(feed.version, "atom03");
  EXPECT_EQ(feed.title, "Echo");
  ASSERT_EQ(feed.articles.size(), 1u);
  EXPECT_EQ(feed.articles[0].headline(), "One");
}

TEST(ParseFeed, Atom10ContentOfOtherMediaTypesIsBase64) {
  // RFC 4287 4.1.3.3: neither text/* nor XML means Base64.
  const Feed feed = Parse(R"(<feed xmlns="http://www.w3.org/2005/Atom">
  <entry><id>urn:x:1</id>
    <title type="application/octet-stream">RXhhbXBsZSA8Yj5BdG9tPC9iPg==</title>
    <content type="application/octet-stream">
      PHA+SGlzdG9yeSBvZiB0aGUgJmx0O2JsaW5rJmd0OyB0YWc8L3A+
    </content></entry>
  <entry><id>urn:x:2</id><title>Picture</title>
    <content type="image/gif">
      R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==
    </content></entry>
</feed>)");
  ASSERT_EQ(feed.articles.size(), 2u);
  EXPECT_EQ(feed.articles[0].headline(), "Example Atom");
  EXPECT_EQ(feed.articles[0].body_text(), "History of the <blink> tag");
  // Bytes that are no text are left out, not shown as mojibake.
  EXPECT_EQ(feed.articles[1].body_text(), "");
}

TEST(ParseFeed, Rss20InItsUserlandNamespaceIsRss) {
  for (const char* rss : {
           R"(<rss version="2.0" xmlns="http://backend.userland.com/rss2"><channel>
              <title>T</title><item><title>One</title><guid>urn:x:1</guid></item>
              </channel></rss>)",
           R"(<r:rss version="2.0" xmlns:r="http://backend.userland.com/rss2"><r:channel>
              <r:title>T</r:title>
              <r:item><r:title>One</r:title><r:guid>urn:x:1</r:guid></r:item>
              </r:channel></r:rss>)"}) {
    const Feed feed = Parse(rss);
    EXPECT_EQ(feed.title, "T") << rss;
    ASSERT_EQ(feed.articles.size(), 1u) << rss;
    EXPECT_EQ(feed.articles[0].headline(), "One");
  }
}

TEST(ParseFeed, RssVersionsAreReadFromTheDocument) {
  EXPECT_EQ(Parse("<rss version='2.01'><channel/></rss>").version, "rss20");
  EXPECT_EQ(Parse("<rss version='0.91'><channel/></rss>").version, "rss091");
  EXPECT_EQ(Parse("<rss><channel/></rss>").version, "rss");
  // RSS 0.90 by its namespace, even with no channel to carry it.
  EXPECT_EQ(Parse(R"(<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
                     xmlns="http://my.netscape.com/rdf/simple/0.9/"/>)")
                .version,
            "rss090");
}

TEST(ParseFeed, RssItemBodiesDatesAndAuthorsInTheirOtherSpellings) {
  const Feed feed = Parse(R"(<rss version="2.0" xmlns:dcterms="http://purl.org/dc/terms/"
      xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><item>
    <guid>urn:x:1</guid>
    <body><p>Told in <a href="/full">full</a>.</p></body>
    <dcterms:issued>2003-12-31T10:14:55Z</dcterms:issued>
    <dcterms:modified>2004-01-02T00:00:00Z</dcterms:modified>
    <author>Jo Bloggs (jo@example.org)</author>
    <dc:creator>Sam Editor &lt;sam@example.org&gt;</dc:creator>
  </item></channel></rss>)",
                          "https://example.org/feed");
  ASSERT_EQ(feed.articles.size(), 1u);
  const Article& a = feed.articles[0];
  EXPECT_EQ(a.body_text(), "Told in full.");
  EXPECT_TRUE(absl::StrContains(a.body_html(), "href=\"https://example.org/full\""))
      << a.body_html();
  EXPECT_EQ(Utc(a.first_created()), "2003-12-31T10:14:55Z");
  EXPECT_EQ(Utc(a.version_created()), "2004-01-02T00:00:00Z");
  EXPECT_EQ(a.byline(), "Jo Bloggs, Sam Editor");
}

TEST(ParseFeed, C1ControlsInFeedTextAreWindows1252) {
  // "&#146;" (and U+0092 itself) is how ISO-8859-1 tools wrote windows-1252's
  // right single quotation mark.
  const Feed feed = Parse(
      "<rss version='2.0'><channel><item><guid>urn:x:1</guid><title>don&#146;t</title>"
      "<description>won\xC2\x92t</description></item></channel></rss>");
  ASSERT_EQ(feed.articles.size(), 1u);
  EXPECT_EQ(feed.articles[0].headline(), "don\xE2\x80\x99t");
  EXPECT_EQ(feed.articles[0].body_text(), "won\xE2\x80\x99t");
}

TEST(ParseFeed, JsonFeed11) {
  const Feed feed = Parse(R"({
    "version": "https://jsonfeed.org/version/1.1",
    "title": "Wire &#8211; World", "home_page_url": "https://wire.example.com",
    "language": "en",
    "authors": [{"name": "Desk"}],
    "items": [
      {"id": "1", "url": "https://wire.example.com/a", "title": "Quake hits coast",
       "content_html": "<p>A 6.1 quake.</p>", "summary": "A quake.",
       "date_published": "2024-11-19T10:20:00Z", "tags": ["Disasters"],
       "attachments": [{"url": "https://wire.example.com/a.jpg", "mime_type": "image/jpeg",
                        "size_in_bytes": 2048}]},
      {"id": 2, "content_text": "Plain text only.\n\nSecond paragraph."}
    ]})",
                          "https://wire.example.com/feed.json");
  EXPECT_EQ(feed.format, FeedFormat::kJsonFeed);
  EXPECT_EQ(feed.version, "jsonfeed11");
  EXPECT_EQ(feed.title, "Wire \xE2\x80\x93 World");
  EXPECT_EQ(feed.link, "https://wire.example.com/");
  ASSERT_EQ(feed.articles.size(), 2u);
  const Article& a = feed.articles[0];
  EXPECT_EQ(a.headline(), "Quake hits coast");
  EXPECT_EQ(a.body_text(), "A 6.1 quake.");
  EXPECT_EQ(a.summary(), "A quake.");
  EXPECT_EQ(a.byline(), "Desk");
  ASSERT_EQ(a.subjects_size(), 1);
  ASSERT_EQ(a.links_size(), 2);
  EXPECT_EQ(a.links(1).length(), 2048u);
  EXPECT_EQ(feed.articles[1].headline(), "Plain text only.");
  EXPECT_EQ(feed.articles[1].body_text(), "Plain text only.\n\nSecond paragraph.");
  EXPECT_NE(a.id(), feed.articles[1].id());
}

TEST(ParseFeed, Ninjs1) {
  const Feed feed = Parse(R"({"uri": "urn:agency:2024:1", "version": "3",
    "versioncreated": "2024-11-19T10:20:00Z", "firstcreated": "2024-11-19T09:00:00Z",
    "pubstatus": "usable", "urgency": 2, "headline": "Floods close schools",
    "byline": "Ana Reporter", "located": "VALENCIA, Spain",
    "body_text": "Schools closed on Tuesday.\n\nRain continues.",
    "language": "en", "subject": [{"name": "Weather", "code": "medtop:17000000",
    "scheme": "http://cv.iptc.org/newscodes/mediatopic/"}],
    "place": [{"name": "Valencia"}], "person": [{"name": "Mayor X"}],
    "organisation": [{"name": "Red Cross"}], "keywords": ["flood"],
    "copyrightholder": "Agency"})");
  EXPECT_EQ(feed.format, FeedFormat::kNinjs);
  EXPECT_EQ(feed.version, "ninjs1");
  ASSERT_EQ(feed.articles.size(), 1u);
  const Article& a = feed.articles[0];
  EXPECT_EQ(a.id(), "urn:agency:2024:1");
  EXPECT_EQ(a.version(), 3u);
  EXPECT_EQ(a.urgency(), 2u);
  EXPECT_EQ(a.dateline(), "VALENCIA, Spain");
  EXPECT_EQ(a.byline(), "Ana Reporter");
  EXPECT_EQ(a.body_text(), "Schools closed on Tuesday.\n\nRain continues.");
  EXPECT_EQ(a.subjects(0).code(), "medtop:17000000");
  EXPECT_EQ(a.places(0).name(), "Valencia");
  EXPECT_EQ(a.people(0).name(), "Mayor X");
  EXPECT_EQ(a.organisations(0).name(), "Red Cross");
  EXPECT_EQ(a.keywords(0), "flood");
  EXPECT_EQ(a.source().name(), "Agency");
  EXPECT_EQ(Utc(a.first_created()), "2024-11-19T09:00:00Z");
  EXPECT_EQ(Utc(a.version_created()), "2024-11-19T10:20:00Z");
}

TEST(ParseFeed, Ninjs2ListsAndKills) {
  const Feed feed = Parse(R"([{"uri": "urn:agency:2024:2", "pubstatus": "canceled",
    "headlines": [{"role": "main", "value": "Story withdrawn"}, {"role": "sub", "value": "Legal"}],
    "bodies": [{"role": "main", "contenttype": "text/html", "value": "<p>Do not use.</p>"}],
    "bylines": [{"byline": "Desk"}], "embargoed": "2030-01-01T00:00:00Z",
    "subjects": [{"name": "Law", "uri": "http://cv.iptc.org/newscodes/mediatopic/02000000"}]}])");
  EXPECT_EQ(feed.version, "ninjs2");
  ASSERT_EQ(feed.articles.size(), 1u);
  const Article& a = feed.articles[0];
  EXPECT_EQ(a.headline(), "Story withdrawn");
  EXPECT_EQ(a.subheadline(), "Legal");
  EXPECT_EQ(a.pub_status(), v1::PUB_STATUS_CANCELED);
  EXPECT_EQ(a.body_text(), "Do not use.");
  EXPECT_EQ(a.byline(), "Desk");
  EXPECT_EQ(a.subjects(0).code(), "http://cv.iptc.org/newscodes/mediatopic/02000000");
  EXPECT_EQ(Utc(a.embargoed_until()), "2030-01-01T00:00:00Z");
}

TEST(ParseFeed, PlainTextArticlesStillParse) {
  const Feed feed = Parse("Council approves tram line\n\nBy Jo Bloggs\n\nLEEDS — It passed.\n");
  EXPECT_EQ(feed.format, FeedFormat::kText);
  ASSERT_EQ(feed.articles.size(), 1u);
  EXPECT_EQ(feed.articles[0].headline(), "Council approves tram line");
  EXPECT_EQ(feed.articles[0].dateline(), "LEEDS");
}

// UTF-8 `text` (ASCII and Latin-1 letters only) as UTF-16: little-endian
// with the byte order mark Windows writes ("Unicode" in Notepad), or big.
std::string Utf16(absl::string_view text, bool little_endian = true) {
  std::string out = little_endian ? "\xFF\xFE" : "\xFE\xFF";
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    unsigned code = c;
    if (c >= 0xC0) code = ((c & 0x1F) << 6) | (static_cast<unsigned char>(text[++i]) & 0x3F);
    const char low = static_cast<char>(code & 0xFF), high = static_cast<char>(code >> 8);
    out += little_endian ? std::string{low, high} : std::string{high, low};
  }
  return out;
}

TEST(ParseFeed, Utf16TextArticlesAndFeedsAreReadByWhatTheyHold) {
  // Was "line 1: Start tag expected, '<' not found": UTF-16 went to XML.
  for (bool little_endian : {true, false}) {
    const Feed text =
        Parse(Utf16("Caf\xC3\xA9 reopens on the quay\n\nIt opened today.\n", little_endian));
    EXPECT_EQ(text.format, FeedFormat::kText);
    EXPECT_EQ(text.encoding, little_endian ? "utf-16le" : "utf-16be");
    ASSERT_EQ(text.articles.size(), 1u);
    EXPECT_EQ(text.articles[0].headline(), "Caf\xC3\xA9 reopens on the quay");
    EXPECT_EQ(text.articles[0].body_text(), "It opened today.");

    const Feed json = Parse(Utf16(R"({"version": "https://jsonfeed.org/version/1.1",
        "title": "Quay", "items": [{"id": "q1", "title": "Caf\u00e9 news",
        "content_text": "Open."}]})", little_endian));
    EXPECT_EQ(json.format, FeedFormat::kJsonFeed);
    EXPECT_EQ(json.encoding, little_endian ? "utf-16le" : "utf-16be");
    ASSERT_EQ(json.articles.size(), 1u);
    EXPECT_EQ(json.articles[0].headline(), "Caf\xC3\xA9 news");

    const Feed rss = Parse(Utf16(
        "<?xml version=\"1.0\" encoding=\"utf-16\"?><rss version=\"2.0\"><channel>"
        "<title>Q</title><item><title>Caf\xC3\xA9</title><guid>urn:q:1</guid></item>"
        "</channel></rss>", little_endian));
    EXPECT_EQ(rss.format, FeedFormat::kRss);
    ASSERT_EQ(rss.articles.size(), 1u);
    EXPECT_EQ(rss.articles[0].headline(), "Caf\xC3\xA9");
  }
}

TEST(ParseFeed, TextOpeningWithABracketIsText) {
  const Feed feed = Parse("[Updated] Council approves tram line\n\nIt passed on Tuesday.\n");
  EXPECT_EQ(feed.format, FeedFormat::kText);
  ASSERT_EQ(feed.articles.size(), 1u);
  EXPECT_EQ(feed.articles[0].headline(), "[Updated] Council approves tram line");
  EXPECT_EQ(Parse("[ ]").format, FeedFormat::kNinjs);  // An empty ninjs array.
}

TEST(ParseFeed, MislabelledWindows1252FeedReadsAsText) {
  const Feed feed = Parse(
      "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>T</title>"
      "<item><title>\x93Quoted\x94 caf\xE9</title><guid>urn:x:1</guid></item></channel></rss>");
  EXPECT_EQ(feed.encoding, "windows-1252");
  ASSERT_EQ(feed.articles.size(), 1u);
  EXPECT_EQ(feed.articles[0].headline(), "\xE2\x80\x9CQuoted\xE2\x80\x9D caf\xC3\xA9");
  ASSERT_FALSE(feed.notes.empty());
  EXPECT_TRUE(absl::StrContains(feed.notes[0], "read as windows-1252"));
}

TEST(ParseFeed, WhatIsNotAFeedIsRefusedWithItsReason) {
  EXPECT_EQ(ParseFeed("<html><body>hi</body></html>").status().message(),
            "XML whose root element <html> is not a feed (expected <rss>, <rdf:RDF>, <feed> "
            "or an Atom <entry>)");
  EXPECT_TRUE(absl::StrContains(ParseFeed("{\"a\": 1}").status().message(),
                                "neither a JSON Feed"));
  EXPECT_TRUE(absl::StrContains(ParseFeed("{\"a\": ").status().message(), "not valid JSON"));
  std::string deep;
  for (int i = 0; i < 200; ++i) deep += "{\"a\": ";
  deep += "1" + std::string(200, '}');
  EXPECT_TRUE(absl::StrContains(ParseFeed(deep).status().message(), "nested deeper"));
  EXPECT_TRUE(absl::StrContains(ParseFeed("<rss><channel><item><title>cut").status().message(),
                                "Premature end of data"));
  EXPECT_EQ(DetectFeedFormat(std::string("a\0b", 3)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(*DetectFeedFormat("<rss version='2.0'/>"), FeedFormat::kRss);
  EXPECT_EQ(*DetectFeedFormat("{\"version\": \"https://jsonfeed.org/version/1\"}"),
            FeedFormat::kJsonFeed);
  EXPECT_EQ(*DetectFeedFormat("Just a headline\n\nAnd a body."), FeedFormat::kText);
}

TEST(ParseFeed, ItemsBeyondTheLimitAreSkippedWithOneNote) {
  std::string rss = "<rss version='2.0'><channel><title>Big</title>";
  for (size_t i = 0; i <= kMaxFeedItems; ++i) {
    absl::StrAppend(&rss, "<item><title>Item ", i, "</title><guid>urn:x:", i, "</guid></item>");
  }
  rss += "</channel></rss>";
  const Feed feed = Parse(rss);
  EXPECT_EQ(feed.articles.size(), kMaxFeedItems);
  EXPECT_EQ(feed.skipped_items, 1u);
  EXPECT_EQ(feed.notes, std::vector<std::string>{absl::StrCat("items after the first ",
                                                              kMaxFeedItems, " skipped")});
}

}  // namespace
}  // namespace newswire
