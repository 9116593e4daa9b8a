#include "core/ingest/dateline_places.h"

#include <string>
#include <utility>
#include <vector>

#include "core/ingest/letters.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace newswire {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// City names in capitals as datelines write them, and in title case.
constexpr std::pair<const char*, const char*> kCities[] = {
    // Each word opens with a capital, as does each part between hyphens.
    {"KYIV", "Kyiv"},
    {"UNITED NATIONS", "United Nations"},
    {"ST. LOUIS", "St. Louis"},
    {"WINSTON-SALEM", "Winston-Salem"},
    // A one-letter part before an apostrophe keeps the next letter a capital.
    {"N'DJAMENA", "N'Djamena"},
    {"L\u2019AQUILA", "L\u2019Aquila"},
    {"HAWAI'I", "Hawai'i"},
    // Joining words after the first stay small.
    {"RIO DE JANEIRO", "Rio de Janeiro"},
    {"PORT OF SPAIN", "Port of Spain"},
    {"DAR ES SALAAM", "Dar es Salaam"},
    {"STRATFORD-UPON-AVON", "Stratford-upon-Avon"},
    {"PORT-AU-PRINCE", "Port-au-Prince"},
    {"THE HAGUE", "The Hague"},
    {"LA PAZ", "La Paz"},
    // Capitals beyond ASCII become small letters too.
    {"S\u00C3O PAULO", "S\u00E3o Paulo"},
    {"\u0141\u00D3D\u0179", "\u0141\u00F3d\u017A"},                        // ŁÓDŹ
    {"\u041A\u0418\u0407\u0412", "\u041A\u0438\u0457\u0432"},             // КИЇВ
    {"\u0391\u0398\u0389\u039D\u0391", "\u0391\u03B8\u03AE\u03BD\u03B1"},  // ΑΘΉΝΑ
};

TEST(PlaceNameFromCapitals, TitleCasesTheCity) {
  for (const auto& [capitals, name] : kCities) {
    EXPECT_EQ(PlaceNameFromCapitals(capitals), name) << capitals;
  }
}

TEST(DatelinePlaceNames, CityThenTheQualifiersThatArePlaces) {
  EXPECT_THAT(DatelinePlaceNames("KYIV, Ukraine"), ElementsAre("Kyiv", "Ukraine"));
  EXPECT_THAT(DatelinePlaceNames("WASHINGTON"), ElementsAre("Washington"));
  EXPECT_THAT(DatelinePlaceNames("UNITED NATIONS"), ElementsAre("United Nations"));
  EXPECT_THAT(DatelinePlaceNames("KYIV, UKRAINE"), ElementsAre("Kyiv", "Ukraine"));
  EXPECT_THAT(DatelinePlaceNames("DUBAI, UAE"), ElementsAre("Dubai", "UAE"));
  EXPECT_THAT(DatelinePlaceNames("BASSETERRE, St. Kitts"), ElementsAre("Basseterre", "St. Kitts"));
  EXPECT_THAT(DatelinePlaceNames("PARIS, Texas, United States"),
              ElementsAre("Paris", "Texas", "United States"));
}

TEST(DatelinePlaceNames, AbbreviationsAndDatesAreLeftOut) {
  EXPECT_THAT(DatelinePlaceNames("SPRINGFIELD, Ill."), ElementsAre("Springfield"));
  EXPECT_THAT(DatelinePlaceNames("WASHINGTON, D.C."), ElementsAre("Washington"));
  EXPECT_THAT(DatelinePlaceNames("WASHINGTON, Nov. 30"), ElementsAre("Washington"));
  EXPECT_THAT(DatelinePlaceNames("LONDON, Friday"), ElementsAre("London"));
}

TEST(DatelinePlaceNames, RepeatsAreNamedOnce) {
  EXPECT_THAT(DatelinePlaceNames("NEW YORK, New York"), ElementsAre("New York"));
  EXPECT_THAT(DatelinePlaceNames(""), IsEmpty());
}

TEST(AddDatelinePlaces, AddsOnlyThePlacesTheArticleLacks) {
  Article article;
  v1::Entity* kyiv = article.add_places();
  kyiv->set_name("kyiv");
  AddDatelinePlaces("KYIV, Ukraine", article);
  ASSERT_EQ(article.places_size(), 2);
  EXPECT_EQ(article.places(0).name(), "kyiv");
  EXPECT_EQ(article.places(1).name(), "Ukraine");

  Article coded;
  coded.add_places()->set_code("UKRAINE");
  AddDatelinePlaces("KYIV, Ukraine", coded);
  ASSERT_EQ(coded.places_size(), 2);
  EXPECT_EQ(coded.places(1).name(), "Kyiv");
}

TEST(Letters, SmallLettersAndCapitals) {
  EXPECT_EQ(ToSmallLetters("KYIV \u00C9 \u0130 \u0178 \u0408 \u00D7"),
            "kyiv \u00E9 i \u00FF \u0458 \u00D7");
  EXPECT_TRUE(IsCapitalLetter(U'\u0106'));   // Ć
  EXPECT_FALSE(IsCapitalLetter(U'\u0107'));  // ć
  EXPECT_TRUE(IsCapitalLetter(U'\u0139'));   // Ĺ, an odd capital
  EXPECT_FALSE(IsCapitalLetter(U'\u0149'));  // ŉ, small without a capital
  EXPECT_FALSE(IsCapitalLetter(U'\u00DF'));  // ß
  EXPECT_TRUE(IsWrittenInCapitals("ST. LOUIS", 2));
  EXPECT_FALSE(IsWrittenInCapitals("Meanwhile", 2));
  EXPECT_FALSE(IsWrittenInCapitals("UK", 4));
}

TEST(Letters, AppendUtf8WritesEverySequenceLength) {
  std::string out;
  for (char32_t c : {U'a', U'\u00E9', U'\u20AC', U'\U0001F4F0'}) AppendUtf8(c, out);
  EXPECT_EQ(out, "a\u00E9\u20AC\U0001F4F0");
  size_t length = 0;
  EXPECT_EQ(DecodeUtf8At(out, 6, length), U'\U0001F4F0');
  EXPECT_EQ(length, 4u);
}

}  // namespace
}  // namespace newswire
