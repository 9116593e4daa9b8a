#include "core/ingest/zone_names.h"

#include <set>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace newswire {
namespace {

TEST(ZoneNames, NamesAreUniqueUppercaseAndLookedUpInAnyCase) {
  std::set<std::string> seen;
  for (const ZoneAbbreviation& zone : ZoneAbbreviations()) {
    EXPECT_TRUE(seen.insert(std::string(zone.name)).second) << zone.name << " twice";
    EXPECT_EQ(absl::AsciiStrToUpper(zone.name), zone.name);
    EXPECT_EQ(ZoneOffsetMinutes(zone.name), zone.offset_minutes);
    EXPECT_EQ(ZoneOffsetMinutes(absl::AsciiStrToLower(zone.name)), zone.offset_minutes);
    EXPECT_LE(std::abs(zone.offset_minutes), 14 * 60) << zone.name;
  }
  EXPECT_EQ(ZoneOffsetMinutes("XYZ"), std::nullopt);
  EXPECT_EQ(ZoneOffsetMinutes(""), std::nullopt);
  // Military letters other than Z are not in the table (RFC 1123).
  EXPECT_EQ(ZoneOffsetMinutes("A"), std::nullopt);
}

// The ambiguous names read as the header documents.
TEST(ZoneNames, AmbiguousNamesTakeTheirNewsReading) {
  EXPECT_EQ(ZoneOffsetMinutes("IST"), 5 * 60 + 30);  // India.
  EXPECT_EQ(ZoneOffsetMinutes("CST"), -6 * 60);      // US Central.
  EXPECT_EQ(ZoneOffsetMinutes("BST"), 60);           // British Summer.
  EXPECT_EQ(ZoneOffsetMinutes("AST"), -4 * 60);      // Atlantic.
  EXPECT_EQ(ZoneOffsetMinutes("EST"), -5 * 60);      // US Eastern.
}

// Each entry's offset is one its example zone really uses, by tzdata: in
// 2024 (mid-January or mid-July), preferably when tzdata prints the same
// abbreviation. Where tzdata prints a number instead ("+04" for the Gulf),
// the offset alone is checked.
TEST(ZoneNames, EveryOffsetIsOneItsExampleZoneUses) {
  absl::TimeZone probe;
  if (!absl::LoadTimeZone("Europe/Paris", &probe)) {
    GTEST_SKIP() << "no tzdata on this machine (Debian package tzdata)";
  }
  for (const ZoneAbbreviation& zone : ZoneAbbreviations()) {
    absl::TimeZone tz;
    ASSERT_TRUE(absl::LoadTimeZone(std::string(zone.example_zone), &tz))
        << zone.example_zone;
    bool offset_used = false;
    bool name_used = false;
    for (int month : {1, 7}) {
      const absl::TimeZone::CivilInfo info =
          tz.At(absl::FromCivil(absl::CivilDay(2024, month, 15), absl::UTCTimeZone()));
      if (info.offset / 60 != zone.offset_minutes) continue;
      offset_used = true;
      if (absl::AsciiStrToUpper(info.zone_abbr) == zone.name) name_used = true;
    }
    EXPECT_TRUE(offset_used) << zone.name << " " << zone.offset_minutes
                             << " is not an offset " << zone.example_zone << " uses";
    if (!name_used) {
      // tzdata prints a number or another name for it; say which, for the log.
      RecordProperty(std::string(zone.name), "offset checked, name not in tzdata");
    }
  }
}

}  // namespace
}  // namespace newswire
