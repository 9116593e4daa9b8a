// The ninjs writer, checked by reading what it writes back with ParseFeed:
// a ninjs consumer sees the same articles newswire stored.
#include "core/syndicate/ninjs_writer.h"

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

v1::Entity Entity(const std::string& name, const std::string& code) {
  v1::Entity entity;
  entity.set_name(name);
  entity.set_code(code);
  return entity;
}

Article Story() {
  Article a;
  a.set_id("urn:newswire:a:1");
  a.set_version(3);
  a.set_pub_status(v1::PUB_STATUS_USABLE);
  a.set_headline("Council approves \"tram\" line & more");
  a.set_subheadline("Work starts in spring");
  a.set_byline("Jo Bloggs, Ann Other");
  a.set_dateline("LVIV, Ukraine");
  a.set_summary("The vote was 31 to 4.");
  a.set_body_text("The council voted 31 to 4.\n\nWork starts in spring.\x01");
  a.set_word_count(10);
  a.set_language("uk");
  a.set_urgency(3);
  a.set_canonical_url("https://news.example.com/2024/tram");
  a.set_fingerprint("0123456789abcdef0123456789abcdef");
  *a.mutable_first_created() = ToProtoTime(Utc(2024, 11, 19, 15, 20));
  *a.mutable_version_created() = ToProtoTime(Utc(2024, 11, 19, 16, 0));
  *a.mutable_embargoed_until() = ToProtoTime(Utc(2024, 11, 19, 15, 0));
  a.set_utc_offset_minutes(120);
  *a.add_subjects() = Entity("Transport", "medtop:20000774");
  *a.add_places() = Entity("Lviv", "https://sws.geonames.org/702550/");
  *a.add_people() = Entity("Andriy Sadovyi", "");
  *a.add_organisations() = Entity("Lviv City Council", "LCC-1");
  a.mutable_source()->set_name("Example News");
  a.mutable_source()->set_url("https://news.example.com/");
  return a;
}

Feed ReadBack(const std::string& bytes) {
  absl::StatusOr<Feed> feed = ParseFeed(bytes, {});
  EXPECT_TRUE(feed.ok()) << feed.status() << "\n" << bytes;
  if (!feed.ok()) return Feed();
  EXPECT_TRUE(feed->well_formed) << (feed->notes.empty() ? "" : feed->notes[0]);
  EXPECT_TRUE(feed->notes.empty()) << feed->notes[0] << "\n" << bytes;
  EXPECT_EQ(feed->format, FeedFormat::kNinjs);
  EXPECT_EQ(feed->version, "ninjs2");
  return *std::move(feed);
}

void ExpectSameEntities(const google::protobuf::RepeatedPtrField<v1::Entity>& read,
                        const google::protobuf::RepeatedPtrField<v1::Entity>& written) {
  ASSERT_EQ(read.size(), written.size());
  for (int i = 0; i < read.size(); ++i) {
    EXPECT_EQ(read[i].name(), written[i].name());
    EXPECT_EQ(read[i].code(), written[i].code());
  }
}

TEST(NinjsWriter, ReadsBackAsTheSameArticles) {
  FeedPage page;
  Article second = Story();
  second.set_id("https://news.example.com/2024/second");
  second.set_headline("Second story");
  second.clear_subheadline();
  page.articles = {Story(), second};
  const std::string ninjs = WriteNinjs(page);
  const Feed feed = ReadBack(ninjs);
  ASSERT_EQ(feed.articles.size(), 2u);

  const Article written = Story();
  const Article& a = feed.articles[0];
  EXPECT_EQ(a.id(), written.id());
  EXPECT_EQ(a.version(), 3u);
  EXPECT_EQ(a.pub_status(), v1::PUB_STATUS_USABLE);
  EXPECT_EQ(a.headline(), written.headline());
  EXPECT_EQ(a.subheadline(), written.subheadline());
  EXPECT_EQ(a.byline(), written.byline());
  EXPECT_EQ(a.dateline(), written.dateline());
  EXPECT_EQ(a.summary(), written.summary());
  // The writer escapes the control character ("\u0001"); reading removes it.
  EXPECT_EQ(a.body_text(), "The council voted 31 to 4.\n\nWork starts in spring.");
  EXPECT_EQ(a.body_html(), "");
  EXPECT_EQ(a.language(), "uk");
  EXPECT_EQ(a.urgency(), 3u);
  EXPECT_EQ(a.canonical_url(), written.canonical_url());
  EXPECT_EQ(a.source().name(), "Example News");
  EXPECT_EQ(FromProtoTime(a.first_created()), Utc(2024, 11, 19, 15, 20));
  EXPECT_EQ(FromProtoTime(a.version_created()), Utc(2024, 11, 19, 16, 0));
  EXPECT_EQ(FromProtoTime(a.embargoed_until()), Utc(2024, 11, 19, 15, 0));
  EXPECT_EQ(a.utc_offset_minutes(), 120);
  ExpectSameEntities(a.subjects(), written.subjects());
  ExpectSameEntities(a.places(), written.places());
  ExpectSameEntities(a.people(), written.people());
  ExpectSameEntities(a.organisations(), written.organisations());
  EXPECT_EQ(feed.articles[1].id(), "https://news.example.com/2024/second");
  EXPECT_EQ(feed.articles[1].subheadline(), "");

  // The pinned version, as ninjs 2.x spells the fields.
  EXPECT_TRUE(
      absl::StrContains(ninjs,
                        "\"standard\":{\"name\":\"ninjs\",\"version\":\"2.1\",\"schema\":"
                        "\"http://www.iptc.org/std/ninjs/ninjs-schema_2.1.json\"}"));
  EXPECT_TRUE(absl::StrContains(ninjs, "\"version\":\"3\""));
  EXPECT_TRUE(
      absl::StrContains(ninjs, "\"versioncreated\":\"2024-11-19T18:00:00+02:00\""));
  EXPECT_TRUE(
      absl::StrContains(ninjs, "{\"name\":\"Lviv City Council\",\"literal\":\"LCC-1\"}"));
  EXPECT_TRUE(absl::StrContains(ninjs, "\\u0001"));
}

TEST(NinjsWriter, AKillReadsBackAsCanceled) {
  FeedPage page;
  page.articles = {Story()};
  page.articles[0].set_pub_status(v1::PUB_STATUS_CANCELED);
  const std::string ninjs = WriteNinjs(page);
  EXPECT_TRUE(absl::StrContains(ninjs, "\"pubstatus\":\"canceled\""));
  const Feed feed = ReadBack(ninjs);
  ASSERT_EQ(feed.articles.size(), 1u);
  EXPECT_EQ(feed.articles[0].pub_status(), v1::PUB_STATUS_CANCELED);
}

TEST(NinjsWriter, AnHtmlBodyComesFirstAndReadsBackAsHtml) {
  FeedPage page;
  page.articles = {Story()};
  page.articles[0].set_body_text("The council voted.\n\nWork starts in spring.");
  page.articles[0].set_body_html(
      "<p>The council <b>voted</b>.</p><p>Work starts in spring.</p>");
  const std::string ninjs = WriteNinjs(page);
  EXPECT_LT(ninjs.find("\"contenttype\":\"text/html\""),
            ninjs.find("\"contenttype\":\"text/plain\",\"value\":\"The council voted."));
  const Feed feed = ReadBack(ninjs);
  ASSERT_EQ(feed.articles.size(), 1u);
  EXPECT_EQ(feed.articles[0].body_text(), page.articles[0].body_text());
  EXPECT_EQ(feed.articles[0].body_html(), page.articles[0].body_html());
}

TEST(NinjsWriter, AnEmptyPageIsAnEmptyArray) {
  EXPECT_EQ(WriteNinjs(FeedPage()), "[]\n");
}

}  // namespace
}  // namespace newswire
