// The feed writers, checked by reading what they write back with ParseFeed:
// what a feed reader would see.
#include "core/syndicate/feed_writer.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "core/ingest/feed.h"
#include "gtest/gtest.h"

namespace newswire {
namespace {

absl::Time Utc(int year, int month, int day, int hour, int minute) {
  return absl::FromCivil(absl::CivilMinute(year, month, day, hour, minute),
                         absl::UTCTimeZone());
}

Article Story(const std::string& id, const std::string& headline) {
  Article a;
  a.set_id(id);
  a.set_version(2);
  a.set_headline(headline);
  a.set_byline("Jo Bloggs");
  a.set_summary("The vote was 31 to 4.");
  a.set_body_text("The council voted 31 to 4.\n\nWork starts in spring.");
  a.set_canonical_url("https://news.example.com/2024/tram");
  a.set_language("en");
  *a.mutable_first_created() = ToProtoTime(Utc(2024, 11, 19, 15, 20));
  *a.mutable_version_created() = ToProtoTime(Utc(2024, 11, 19, 16, 0));
  a.set_utc_offset_minutes(-300);
  v1::Entity* subject = a.add_subjects();
  subject->set_name("Transport");
  subject->set_code("medtop:20000774");
  subject->set_scheme("http://cv.iptc.org/newscodes/mediatopic/");
  return a;
}

FeedPage Page() {
  FeedPage page;
  page.id = "urn:newswire:feed:test";
  page.title = "newswire";
  page.self_url = "http://127.0.0.1:8080/v1/feed.atom";
  page.home_url = "http://127.0.0.1:8080/";
  page.hub_url = "http://127.0.0.1:8080/v1/websub";
  page.updated = Utc(2024, 11, 19, 16, 0);
  page.articles = {Story("urn:newswire:a:1", "Council approves <tram> line & more"),
                   Story("urn:newswire:a:2", "Second \"story\"\x01")};
  return page;
}

Feed ReadBack(const std::string& bytes) {
  absl::StatusOr<Feed> feed = ParseFeed(bytes, {});
  EXPECT_TRUE(feed.ok()) << feed.status() << "\n" << bytes;
  if (!feed.ok()) return Feed();
  EXPECT_TRUE(feed->well_formed) << (feed->notes.empty() ? "" : feed->notes[0]);
  return *std::move(feed);
}

// XML cannot carry a C0 control character, so Atom and RSS leave it out;
// JSON escapes it ("\u0001"), and reading it back removes it, as every
// input path does (NormalizeArticle).
constexpr char kSecondInXml[] = "Second \"story\"";
constexpr char kSecondInJson[] = "Second \"story\"";

void ExpectStories(const Feed& feed, bool has_updated, const std::string& second) {
  ASSERT_EQ(feed.articles.size(), 2u);
  const Article& a = feed.articles[0];
  EXPECT_EQ(a.id(), "urn:newswire:a:1");
  EXPECT_EQ(a.headline(), "Council approves <tram> line & more");
  EXPECT_EQ(feed.articles[1].headline(), second);
  EXPECT_EQ(a.byline(), "Jo Bloggs");
  EXPECT_EQ(a.body_text(), "The council voted 31 to 4.\n\nWork starts in spring.");
  EXPECT_EQ(a.canonical_url(), "https://news.example.com/2024/tram");
  EXPECT_EQ(FromProtoTime(a.first_created()), Utc(2024, 11, 19, 15, 20));
  EXPECT_EQ(FromProtoTime(a.version_created()),
            has_updated ? Utc(2024, 11, 19, 16, 0) : Utc(2024, 11, 19, 15, 20));
  EXPECT_EQ(a.utc_offset_minutes(), -300);
  ASSERT_EQ(a.subjects_size(), 1);
  EXPECT_EQ(a.subjects(0).name(), "Transport");
}

TEST(FeedWriter, AtomReadsBackAsWritten) {
  const std::string atom = WriteAtom(Page());
  const Feed feed = ReadBack(atom);
  EXPECT_EQ(feed.format, FeedFormat::kAtom);
  EXPECT_EQ(feed.title, "newswire");
  EXPECT_EQ(feed.link, "http://127.0.0.1:8080/");
  ExpectStories(feed, /*has_updated=*/true, kSecondInXml);
  EXPECT_EQ(feed.articles[0].subjects(0).code(), "medtop:20000774");
  EXPECT_EQ(feed.articles[0].summary(), "The vote was 31 to 4.");
  EXPECT_TRUE(absl::StrContains(
      atom, "<link rel=\"hub\" href=\"http://127.0.0.1:8080/v1/websub\"/>"));
  EXPECT_TRUE(
      absl::StrContains(atom, "<published>2024-11-19T10:20:00-05:00</published>"));
}

TEST(FeedWriter, RssReadsBackAsWritten) {
  const std::string rss = WriteRss(Page());
  const Feed feed = ReadBack(rss);
  EXPECT_EQ(feed.version, "rss20");
  ExpectStories(feed, /*has_updated=*/false, kSecondInXml);
  EXPECT_TRUE(
      absl::StrContains(rss, "<pubDate>Tue, 19 Nov 2024 10:20:00 -0500</pubDate>"));
  EXPECT_TRUE(
      absl::StrContains(rss, "<guid isPermaLink=\"false\">urn:newswire:a:1</guid>"));
}

TEST(FeedWriter, JsonFeedReadsBackAsWritten) {
  const Feed feed = ReadBack(WriteJsonFeed(Page()));
  EXPECT_EQ(feed.version, "jsonfeed11");
  EXPECT_TRUE(feed.notes.empty()) << feed.notes[0];
  ExpectStories(feed, /*has_updated=*/true, kSecondInJson);
  EXPECT_EQ(feed.articles[0].language(), "en");
}

TEST(FeedWriter, AnEmptyPageIsAValidFeed) {
  FeedPage page = Page();
  page.articles.clear();
  for (const std::string& bytes :
       {WriteAtom(page), WriteRss(page), WriteJsonFeed(page)}) {
    const Feed feed = ReadBack(bytes);
    EXPECT_TRUE(feed.articles.empty());
    EXPECT_EQ(feed.title, "newswire");
  }
}

TEST(FeedWriter, ArchivePagesCarryTheirLinksAndMarker) {
  FeedPage page = Page();
  page.archive = true;
  page.self_url = "http://127.0.0.1:8080/v1/feed.atom?page=1";
  page.current_url = "http://127.0.0.1:8080/v1/feed.atom";
  page.prev_archive_url = "http://127.0.0.1:8080/v1/feed.atom?place=Kyiv&page=0";
  page.next_archive_url = "http://127.0.0.1:8080/v1/feed.atom?page=2";
  const std::string atom = WriteAtom(page);
  const std::string rss = WriteRss(page);
  for (const std::string& xml : {atom, rss}) {
    EXPECT_EQ(ReadBack(xml).articles.size(), 2u);
    EXPECT_TRUE(absl::StrContains(xml, "xmlns:fh=\"http://purl.org/syndication/history/1.0\""));
    EXPECT_TRUE(absl::StrContains(xml, "<fh:archive/>"));
  }
  EXPECT_TRUE(absl::StrContains(
      atom, "<link rel=\"prev-archive\" "
            "href=\"http://127.0.0.1:8080/v1/feed.atom?place=Kyiv&amp;page=0\"/>"));
  EXPECT_TRUE(absl::StrContains(
      atom, "<link rel=\"current\" href=\"http://127.0.0.1:8080/v1/feed.atom\"/>"));
  EXPECT_TRUE(absl::StrContains(
      rss, "<atom:link rel=\"next-archive\" href=\"http://127.0.0.1:8080/v1/feed.atom?page=2\"/>"));
  // JSON Feed pages back with next_url (the next older items).
  EXPECT_TRUE(absl::StrContains(
      WriteJsonFeed(page),
      "\"next_url\":\"http://127.0.0.1:8080/v1/feed.atom?place=Kyiv&page=0\""));
  // A subscription document is no archive page.
  page.archive = false;
  EXPECT_FALSE(absl::StrContains(WriteAtom(page), "fh:"));
  EXPECT_FALSE(absl::StrContains(WriteRss(page), "fh:"));
}

}  // namespace
}  // namespace newswire
