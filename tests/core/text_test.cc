#include "core/ingest/text.h"

#include <fstream>
#include <initializer_list>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "core/model/article.h"
#include "gtest/gtest.h"

namespace newswire {
namespace {

constexpr char kSeedPath[] =
    NEWSWIRE_SHARED_DIR "/seeds/000_6d2460062642afca.txt";

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

// Reads tests/data/text/`name`, which every checkout has.
std::string ReadTestData(absl::string_view name) {
  const std::string path =
      absl::StrCat(NEWSWIRE_SOURCE_DIR "/tests/data/text/", name);
  std::optional<std::string> text = ReadFile(path);
  EXPECT_TRUE(text.has_value()) << "cannot read " << path;
  return text.value_or("");
}

// Parses tests/data/text/`name`, failing the test if it does not parse.
Article ParseTestData(absl::string_view name) {
  absl::StatusOr<Article> article = ParseText(ReadTestData(name));
  EXPECT_TRUE(article.ok()) << name << ": " << article.status();
  return article.value_or(Article());
}

// Parses `text`, failing the test if it does not parse.
Article MustParse(absl::string_view text) {
  absl::StatusOr<Article> article = ParseText(text);
  EXPECT_TRUE(article.ok()) << article.status();
  return article.value_or(Article());
}

// Succeeds if `result` is INVALID_ARGUMENT with every one of `parts` in its
// message. (A function, not a MATCHER: core_tests links gtest, not gmock.)
::testing::AssertionResult IsInvalidArgument(
    const absl::StatusOr<Article>& result,
    std::initializer_list<absl::string_view> parts) {
  const absl::Status& status = result.status();
  if (status.code() != absl::StatusCode::kInvalidArgument) {
    return ::testing::AssertionFailure()
           << "status is " << status << ", not INVALID_ARGUMENT";
  }
  for (absl::string_view part : parts) {
    if (!absl::StrContains(status.message(), part)) {
      return ::testing::AssertionFailure() << "message \"" << status.message()
                                           << "\" lacks \"" << part << "\"";
    }
  }
  return ::testing::AssertionSuccess();
}

std::vector<std::string> Paragraphs(const Article& article) {
  return absl::StrSplit(article.body_text(), "\n\n");
}

// Every string an article carries, for checks that something appears nowhere.
std::vector<std::string> StringFields(const Article& article) {
  std::vector<std::string> fields = {article.id(),
                                     article.headline(),
                                     article.subheadline(),
                                     article.byline(),
                                     article.dateline(),
                                     article.summary(),
                                     article.body_text(),
                                     article.language(),
                                     article.canonical_url(),
                                     article.fingerprint(),
                                     article.source().name(),
                                     article.source().url(),
                                     article.source().feed_url()};
  fields.insert(fields.end(), article.keywords().begin(),
                article.keywords().end());
  return fields;
}

// ---------------------------------------------------------------------------
// The seed article, a wire story as scraped from a site, with the site's
// promo line above it and its link list below.

class ParseTextSeed : public ::testing::Test {
 protected:
  void SetUp() override {
    std::optional<std::string> text = ReadFile(kSeedPath);
    if (!text.has_value()) {
      GTEST_SKIP() << "shared seeds not found at " << kSeedPath << "; skipping";
    }
    text_ = *std::move(text);
    absl::StatusOr<Article> article = ParseText(text_);
    ASSERT_TRUE(article.ok()) << article.status();
    article_ = *std::move(article);
  }

  std::string text_;
  Article article_;
};

TEST_F(ParseTextSeed, HeadlineIsTheLineAboveTheDatelineParagraph) {
  EXPECT_EQ(article_.headline(),
            "Japanese official travels to Ukraine to highlight shared worries "
            "about North Korean forces");
}

TEST_F(ParseTextSeed, DatelineAndItsDashLeaveTheFirstParagraph) {
  EXPECT_EQ(article_.dateline(), "KYIV, Ukraine");
  EXPECT_TRUE(absl::StartsWith(article_.body_text(),
                               "On Saturday, Japan\u2019s foreign minister"))
      << article_.body_text();
  EXPECT_FALSE(article_.has_source());
}

TEST_F(ParseTextSeed, DatelineNamesThePlaces) {
  ASSERT_EQ(article_.places_size(), 2);
  EXPECT_EQ(article_.places(0).name(), "Kyiv");
  EXPECT_EQ(article_.places(1).name(), "Ukraine");
}

TEST_F(ParseTextSeed, BodyIsNineParagraphsSeparatedByOneBlankLine) {
  const std::vector<std::string> paragraphs = Paragraphs(article_);
  ASSERT_EQ(paragraphs.size(), 9u);
  EXPECT_TRUE(absl::StartsWith(paragraphs.front(),
                               "On Saturday, Japan\u2019s foreign minister"))
      << paragraphs.front();
  EXPECT_TRUE(absl::StartsWith(
      paragraphs.back(), "Concurrently, Russia\u2019s Ministry of Defense"))
      << paragraphs.back();
  for (const std::string& paragraph : paragraphs) {
    EXPECT_FALSE(paragraph.empty());
    EXPECT_FALSE(absl::StrContains(paragraph, "\n")) << paragraph;
    EXPECT_EQ(paragraph, CollapseWhitespace(paragraph));
  }
}

TEST_F(ParseTextSeed, SummaryIsTheFirstParagraph) {
  EXPECT_EQ(article_.summary(), Paragraphs(article_).front());
}

TEST_F(ParseTextSeed, PromoLinesAppearInNoField) {
  for (const std::string& field : StringFields(article_)) {
    EXPECT_FALSE(absl::StrContains(field, "Win $100-Register")) << field;
    EXPECT_FALSE(absl::StrContains(field, "ALL Headlines")) << field;
  }
}

TEST_F(ParseTextSeed, KeepsCurlyQuotesAsUtf8) {
  // U+2019 is three bytes, E2 80 99, kept as they came: not re-encoded
  // ("â€™") and not folded to an ASCII apostrophe.
  EXPECT_TRUE(absl::StrContains(article_.body_text(), "Japan\xE2\x80\x99s"));
  EXPECT_TRUE(absl::StrContains(article_.body_text(), "Kyiv\xE2\x80\x99s"));
  EXPECT_FALSE(absl::StrContains(article_.body_text(), "\xC3\xA2\xE2\x82\xAC"));
  EXPECT_FALSE(absl::StrContains(article_.body_text(), "Japan's"));
}

TEST_F(ParseTextSeed, WordCountCountsTheBodyWords) {
  EXPECT_EQ(article_.word_count(), 319u);
  EXPECT_EQ(article_.word_count(), CountWords(article_.body_text()));
}

TEST_F(ParseTextSeed, FingerprintIsStableAcrossRuns) {
  // Pinned: a change here changes the id of every stored text article.
  EXPECT_EQ(article_.fingerprint(), "778bb57d5880fc04580b25774a47cbd5");
  EXPECT_EQ(article_.fingerprint(), Fingerprint(article_));
}

TEST_F(ParseTextSeed, IdDerivesFromFingerprint) {
  EXPECT_EQ(article_.id(), "urn:newswire:" + article_.fingerprint());
  EXPECT_EQ(article_.version(), 1u);
}

TEST_F(ParseTextSeed, ParsingTwiceGivesIdenticalBytes) {
  absl::StatusOr<Article> again = ParseText(text_);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->SerializeAsString(), article_.SerializeAsString());
}

TEST_F(ParseTextSeed, ResultIsNormalizedAndValid) {
  Article normalized = article_;
  NormalizeArticle(normalized);
  EXPECT_EQ(normalized.SerializeAsString(), article_.SerializeAsString());
  EXPECT_TRUE(ValidateArticle(article_).ok());
}

// ---------------------------------------------------------------------------
// Encodings and line endings.

TEST(ParseText, CrlfLineEndingsParseLikeLf) {
  const std::string crlf = ReadTestData("council_vote_crlf.txt");
  ASSERT_TRUE(absl::StrContains(crlf, "\r\n"));
  const Article from_lf = ParseTestData("council_vote_lf.txt");
  const Article from_crlf = ParseTestData("council_vote_crlf.txt");
  EXPECT_EQ(from_crlf.SerializeAsString(), from_lf.SerializeAsString());
  EXPECT_EQ(from_crlf.headline(),
            "Harbor council approves new seawall after long debate");
  EXPECT_FALSE(absl::StrContains(from_crlf.body_text(), "\r"));
}

TEST(ParseText, LoneCarriageReturnsEndLines) {
  const Article article =
      MustParse("Quake hits Chile\r\rThe ground shook.\r\rNobody was hurt.\r");
  EXPECT_EQ(article.headline(), "Quake hits Chile");
  EXPECT_EQ(article.body_text(), "The ground shook.\n\nNobody was hurt.");
}

TEST(ParseText, ByteOrderMarkIsDropped) {
  const std::string text = ReadTestData("library_reopens_bom.txt");
  ASSERT_TRUE(absl::StartsWith(text, "\xEF\xBB\xBF"));
  const Article article = MustParse(text);
  EXPECT_EQ(article.headline(), "City library reopens after roof repairs");
  EXPECT_EQ(article.dateline(), "DUBLIN");
}

// ---------------------------------------------------------------------------
// Datelines.

TEST(ParseText, DoubleHyphenEndsDateline) {
  const Article article = ParseTestData("dash_double_hyphen.txt");
  EXPECT_EQ(article.dateline(), "LYON, France");
  EXPECT_TRUE(
      absl::StartsWith(article.body_text(), "Hundreds of bakers marched"))
      << article.body_text();
}

TEST(ParseText, DoubleHyphenEndsDatelineWithoutSpaces) {
  const Article article = MustParse(
      "Rail bridge closes for inspection\n\n"
      "BERLIN--Engineers closed the bridge on Monday for a week of checks.\n");
  EXPECT_EQ(article.dateline(), "BERLIN");
  EXPECT_TRUE(absl::StartsWith(article.body_text(), "Engineers closed"))
      << article.body_text();
}

TEST(ParseText, EmDashEndsDatelineWithoutSpaces) {
  const Article article = MustParse(
      "Orchestra names new conductor\n\n"
      "ROME\u2014The city orchestra named a new principal conductor on "
      "Friday.\n");
  EXPECT_EQ(article.dateline(), "ROME");
  EXPECT_TRUE(absl::StartsWith(article.body_text(), "The city orchestra"))
      << article.body_text();
}

TEST(ParseText, SpacedHyphenEndsDateline) {
  const Article article = ParseTestData("dash_spaced_hyphen.txt");
  EXPECT_EQ(article.dateline(), "PARIS");
  EXPECT_TRUE(absl::StartsWith(article.body_text(), "A national museum"))
      << article.body_text();
}

TEST(ParseText, UnspacedHyphenBelongsToTheCityName) {
  const Article article = MustParse(
      "Tobacco warehouse becomes arts center\n\n"
      "WINSTON-SALEM, N.C. - A former tobacco warehouse reopened on Saturday "
      "as a studio and gallery space.\n");
  EXPECT_EQ(article.dateline(), "WINSTON-SALEM, N.C.");
  EXPECT_TRUE(
      absl::StartsWith(article.body_text(), "A former tobacco warehouse"))
      << article.body_text();
}

TEST(ParseText, DatelineWithAgencyBecomesSource) {
  const Article article = ParseTestData("agency_dateline.txt");
  EXPECT_EQ(article.dateline(), "WASHINGTON");
  EXPECT_EQ(article.source().name(), "AP");
  EXPECT_TRUE(
      absl::StartsWith(article.body_text(), "A Senate committee postponed"))
      << article.body_text();
}

TEST(ParseText, DatelinePlacesLeaveOutTheAgency) {
  const Article washington = ParseTestData("agency_dateline.txt");
  ASSERT_EQ(washington.places_size(), 1);
  EXPECT_EQ(washington.places(0).name(), "Washington");
  const Article un = MustParse(
      "Council extends peacekeeping mission\n\n"
      "UNITED NATIONS (AP) \u2014 The Security Council voted on Friday to "
      "extend the mission for a year.\n");
  EXPECT_EQ(un.dateline(), "UNITED NATIONS");
  ASSERT_EQ(un.places_size(), 1);
  EXPECT_EQ(un.places(0).name(), "United Nations");
  const Article none = ParseTestData("no_dateline.txt");
  EXPECT_EQ(none.places_size(), 0);
}

TEST(ParseText, DatelineKeepsMixedCaseRegion) {
  const Article article = ParseTestData("mixed_case_region.txt");
  EXPECT_EQ(article.dateline(), "SPRINGFIELD, Ill.");
  EXPECT_TRUE(absl::StartsWith(article.body_text(), "The state fair drew"))
      << article.body_text();
}

TEST(ParseText, DatelineCityMayHaveNonAsciiCapitals) {
  const Article article = ParseTestData("non_ascii_city.txt");
  EXPECT_EQ(article.dateline(), "S\u00C3O PAULO");
  EXPECT_TRUE(
      absl::StartsWith(article.body_text(), "A new stretch of the city\u2019s"))
      << article.body_text();
}

TEST(ParseText, DatelineOnItsOwnLineLeavesTheNextBlockAsLead) {
  const Article article = MustParse(
      "Glacier retreat measured by drone survey\n\n"
      "REYKJAVIK, Iceland \u2014\n\n"
      "A drone survey showed the glacier had retreated 80 meters since last "
      "year.\n");
  EXPECT_EQ(article.dateline(), "REYKJAVIK, Iceland");
  EXPECT_EQ(article.summary(),
            "A drone survey showed the glacier had retreated 80 meters since "
            "last year.");
}

// The em dash stays, as UTF-8, wherever it is not a dateline's.
TEST(ParseText, SentenceWithADashIsNotADateline) {
  const Article article = MustParse(
      "Minister visits flooded towns\n\n"
      "The minister \u2014 who arrived by helicopter \u2014 met residents on "
      "Sunday.\n");
  EXPECT_EQ(article.dateline(), "");
  EXPECT_TRUE(absl::StartsWith(article.body_text(), "The minister \u2014 who"))
      << article.body_text();
}

TEST(ParseText, DashParagraphAfterTheLeadIsNotADateline) {
  const Article article = MustParse(
      "Alliance ministers meet in Brussels\n\n"
      "Defense ministers gathered on Thursday for two days of talks.\n\n"
      "They discussed budgets, training and the supply of ammunition.\n\n"
      "NATO \u2014 the alliance of 32 countries \u2014 will meet again in "
      "June.\n");
  EXPECT_EQ(article.dateline(), "");
  EXPECT_EQ(article.headline(), "Alliance ministers meet in Brussels");
  EXPECT_EQ(Paragraphs(article).size(), 3u);
}

TEST(ParseText, EverythingAboveTheHeadlineIsDroppedWhenADatelineIsFound) {
  const Article article = ParseTestData("junk_above_headline.txt");
  EXPECT_EQ(article.headline(), "Tram fares to stay frozen next year");
  EXPECT_EQ(article.dateline(), "VIENNA");
  for (const std::string& field : StringFields(article)) {
    EXPECT_FALSE(absl::StrContains(field, "Morning briefing")) << field;
    EXPECT_FALSE(absl::StrContains(field, "Weather")) << field;
  }
}

// ---------------------------------------------------------------------------
// Headline, byline and body.

TEST(ParseText, ByLineUnderTheHeadlineBecomesByline) {
  const Article article = ParseTestData("byline.txt");
  EXPECT_EQ(article.headline(), "Ferry workers end two-day strike");
  EXPECT_EQ(article.byline(), "Ingrid Solberg");
  EXPECT_EQ(article.dateline(), "BERGEN, Norway");
  EXPECT_FALSE(absl::StrContains(article.body_text(), "Solberg"));
}

TEST(ParseText, ByLineInItsOwnBlockBecomesByline) {
  const Article article = MustParse(
      "Chess prodigy wins national title\n\n"
      "By TOMAS HERRERA and ANA LIMA\n\n"
      "The 14-year-old won the final game in 31 moves.\n");
  EXPECT_EQ(article.byline(), "TOMAS HERRERA and ANA LIMA");
  EXPECT_EQ(article.body_text(),
            "The 14-year-old won the final game in 31 moves.");
}

TEST(ParseText, ByLineInItsOwnBlockAboveADatelineBecomesByline) {
  const Article article = MustParse(
      "Chess prodigy wins national title\n\n"
      "By Tomas Herrera, staff writer\n\n"
      "MADRID \u2014 The 14-year-old won the final game in 31 moves.\n");
  EXPECT_EQ(article.headline(), "Chess prodigy wins national title");
  EXPECT_EQ(article.byline(), "Tomas Herrera, staff writer");
  EXPECT_EQ(article.dateline(), "MADRID");
}

TEST(ParseText, ByLineInsideTheHeadlineBlockEndsTheHeadline) {
  const Article article = MustParse(
      "Chess prodigy wins national title\n"
      "By Tomas Herrera\n"
      "The 14-year-old won the final game in 31 moves.\n");
  EXPECT_EQ(article.headline(), "Chess prodigy wins national title");
  EXPECT_EQ(article.byline(), "Tomas Herrera");
  EXPECT_EQ(article.body_text(),
            "The 14-year-old won the final game in 31 moves.");
}

TEST(ParseText, LedeOpeningWithByIsNotAByline) {
  const Article article = MustParse(
      "Coastal towns evacuated ahead of storm\n\n"
      "By Tuesday, officials had moved 3,000 residents away from the "
      "shore.\n");
  EXPECT_EQ(article.byline(), "");
  EXPECT_TRUE(absl::StartsWith(article.body_text(), "By Tuesday, officials"))
      << article.body_text();
}

TEST(ParseText, WithoutDatelineFirstBlockIsHeadlineAndTheRestIsBody) {
  const Article article = ParseTestData("no_dateline.txt");
  EXPECT_EQ(article.headline(),
            "Volunteers count record number of swans on the river");
  EXPECT_EQ(article.dateline(), "");
  const std::vector<std::string> paragraphs = Paragraphs(article);
  ASSERT_EQ(paragraphs.size(), 3u);
  EXPECT_TRUE(absl::StartsWith(paragraphs[0], "Volunteers counted 312 swans"))
      << paragraphs[0];
  EXPECT_EQ(paragraphs[2], "The next count is planned for the spring.");
}

TEST(ParseText, NavigationAndPromoLinesAreDropped) {
  const Article article = ParseTestData("promo_around_short_headline.txt");
  for (const std::string& field : StringFields(article)) {
    for (absl::string_view promo :
         {"Home", "Americas", "Subscribe", "Advertisement", "Share this story",
          "Read more", "\u00A9", "All rights reserved", "ALL Headlines"}) {
      EXPECT_FALSE(absl::StrContains(field, promo)) << promo << " in " << field;
    }
  }
  EXPECT_EQ(article.source().name(), "Newswire");
}

TEST(ParseText, PromoLinesAboveAHeadlineWithoutDatelineAreDropped) {
  const Article article = MustParse(
      "Home | World | Americas\n"
      "Win $100-Register\n\n"
      "Advertisement\n\n"
      "Quake hits Chile\n\n"
      "The ground shook for a minute in the capital.\n");
  EXPECT_EQ(article.headline(), "Quake hits Chile");
  EXPECT_EQ(article.body_text(),
            "The ground shook for a minute in the capital.");
}

TEST(ParseText, PromoBlockBetweenParagraphsIsDropped) {
  const Article article = MustParse(
      "Quake hits Chile\n\n"
      "The ground shook for a minute in the capital.\n\n"
      "Advertisement\n\n"
      "Nobody was hurt.\n");
  EXPECT_EQ(article.body_text(),
            "The ground shook for a minute in the capital.\n\n"
            "Nobody was hurt.");
}

TEST(ParseText, ShortTrailingLinesWithoutAFullStopAreDropped) {
  const Article article = MustParse(
      "Quake hits Chile\n\n"
      "The ground shook for a minute in the capital.\n\n"
      "More from Newswire\n\n"
      "Latest videos\n");
  EXPECT_EQ(article.body_text(),
            "The ground shook for a minute in the capital.");
}

TEST(ParseText, ShortHeadlineIsKept) {
  const Article article = ParseTestData("promo_around_short_headline.txt");
  EXPECT_EQ(article.headline(), "Quake hits Chile");
  EXPECT_EQ(article.dateline(), "SANTIAGO, Chile");
  EXPECT_EQ(MustParse("Quake hits Chile\n\nThe ground shook for a minute.\n")
                .headline(),
            "Quake hits Chile");
}

TEST(ParseText, ShortParagraphEndingASentenceIsKept) {
  const Article article = ParseTestData("promo_around_short_headline.txt");
  const std::vector<std::string> paragraphs = Paragraphs(article);
  ASSERT_EQ(paragraphs.size(), 3u);
  EXPECT_EQ(paragraphs[1], "Nobody was hurt.");
  // At the very end too, where promo lines are looked for.
  EXPECT_EQ(Paragraphs(ParseTestData("council_vote_lf.txt")).back(),
            "Construction is due to begin in March.");
}

TEST(ParseText, HardWrappedLinesAreJoinedWithASpace) {
  const Article article = ParseTestData("promo_around_short_headline.txt");
  EXPECT_EQ(Paragraphs(article).front(),
            "A magnitude 6.1 earthquake shook central Chile on Friday "
            "morning, rattling windows in the capital and briefly cutting "
            "power to several neighborhoods.");
  EXPECT_EQ(Paragraphs(article).back(),
            "The national seismology center said the quake was centered about "
            "40 kilometers off the coast and was followed by several small "
            "aftershocks.");
}

TEST(ParseText, WrappedHeadlineIsJoinedWithASpace) {
  const Article article = MustParse(
      "Regional airline orders twelve electric planes\n"
      "for short island routes\n\n"
      "OSLO \u2014 The airline said the first planes would fly in 2028.\n");
  EXPECT_EQ(article.headline(),
            "Regional airline orders twelve electric planes for short island "
            "routes");
}

// ---------------------------------------------------------------------------
// Errors.

TEST(ParseText, RejectsEmptyInput) {
  EXPECT_TRUE(IsInvalidArgument(ParseText(""), {"empty"}));
}

TEST(ParseText, RejectsWhitespaceOnlyInput) {
  EXPECT_TRUE(IsInvalidArgument(ParseText(" \n\r\n\t \n"), {"whitespace"}));
}

TEST(ParseText, RejectsTextOfOnlyPromoLines) {
  EXPECT_TRUE(IsInvalidArgument(ParseText(ReadTestData("only_promo.txt")),
                                {"no headline"}));
}

TEST(ParseText, RejectsFirstBlockLongerThanAHeadline) {
  EXPECT_TRUE(
      IsInvalidArgument(ParseText(ReadTestData("long_first_block.txt")),
                        {"no headline", absl::StrCat(kMaxHeadlineChars)}));
}

TEST(ParseText, RejectsInvalidUtf8WithTheByteOffset) {
  EXPECT_TRUE(IsInvalidArgument(ParseText("Headline\n\nBad byte \xFF here.\n"),
                                {"UTF-8", "offset 19"}));
}

TEST(ParseText, RejectsTruncatedEmDash) {
  // The first two of the em dash's three bytes, then a space.
  EXPECT_TRUE(IsInvalidArgument(ParseText("Headline\n\nKYIV \xE2\x80 Text.\n"),
                                {"offset 15"}));
}

TEST(ParseText, RejectsInputOverTheSizeLimit) {
  std::string text = "Headline\n\n";
  text.resize(kMaxTextInputBytes + 1, 'a');
  EXPECT_TRUE(
      IsInvalidArgument(ParseText(text), {absl::StrCat(kMaxTextInputBytes + 1),
                                          absl::StrCat(kMaxTextInputBytes)}));
}

TEST(ParseText, AcceptsInputAtTheSizeLimit) {
  std::string text = "Headline\n\n";
  const std::string sentence = "The river rose again overnight. ";
  while (text.size() + sentence.size() <= kMaxTextInputBytes) {
    text += sentence;
  }
  text.resize(kMaxTextInputBytes, '.');
  const absl::StatusOr<Article> article = ParseText(text);
  ASSERT_TRUE(article.ok()) << article.status();
  EXPECT_EQ(article->headline(), "Headline");
}

}  // namespace
}  // namespace newswire
