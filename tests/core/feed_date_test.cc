#include "core/ingest/feed_date.h"

#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "core/base/quote_input.h"
#include "core/ingest/zone_names.h"
#include "gtest/gtest.h"

namespace newswire {
namespace {

// The offset a date parses to when the text did not state one we can place.
constexpr std::optional<int> kUnknown = std::nullopt;

absl::Time Utc(int year, int month, int day, int hour = 0, int minute = 0,
               int second = 0) {
  return absl::FromCivil(absl::CivilSecond(year, month, day, hour, minute, second),
                         absl::UTCTimeZone());
}

// Succeeds if `text` parses to `time` with offset `offset_minutes`, or with
// an unknown offset (reported as 0) when that is kUnknown.
::testing::AssertionResult ParsesTo(absl::string_view text, absl::Time time,
                                    std::optional<int> offset_minutes) {
  const absl::StatusOr<FeedDate> date = ParseFeedDate(text);
  if (!date.ok()) {
    return ::testing::AssertionFailure() << "\"" << text << "\": " << date.status();
  }
  if (date->time != time) {
    return ::testing::AssertionFailure()
           << "\"" << text << "\" is " << absl::FormatTime(date->time) << ", not "
           << absl::FormatTime(time);
  }
  if (date->offset_known != offset_minutes.has_value() ||
      date->offset_minutes != offset_minutes.value_or(0)) {
    return ::testing::AssertionFailure()
           << "\"" << text << "\" has offset " << date->offset_minutes
           << (date->offset_known ? " (known)" : " (unknown)") << ", not "
           << (offset_minutes ? absl::StrCat(*offset_minutes) : "unknown");
  }
  return ::testing::AssertionSuccess();
}

// Succeeds if `text` is refused with INVALID_ARGUMENT and every one of
// `parts` in the message. (A function, not a MATCHER: core_tests links gtest,
// not gmock.)
::testing::AssertionResult IsRefused(absl::string_view text,
                                     std::initializer_list<absl::string_view> parts) {
  const absl::StatusOr<FeedDate> date = ParseFeedDate(text);
  if (date.status().code() != absl::StatusCode::kInvalidArgument) {
    return ::testing::AssertionFailure() << "\"" << text << "\": status is "
                                         << date.status() << ", not INVALID_ARGUMENT";
  }
  for (absl::string_view part : parts) {
    if (!absl::StrContains(date.status().message(), part)) {
      return ::testing::AssertionFailure()
             << "message \"" << date.status().message() << "\" lacks \"" << part << "\"";
    }
  }
  return ::testing::AssertionSuccess();
}

// ---------------------------------------------------------------------------
// RSS: RFC 822, RFC 1123, RFC 2822.

TEST(FeedDate, ReadsRfc822AsRssFeedsWriteIt) {
  EXPECT_TRUE(ParsesTo("Thu, 01 Jan 2004 19:48:21 GMT", Utc(2004, 1, 1, 19, 48, 21), 0));
  EXPECT_TRUE(ParsesTo("Sat, 28 Sep 2002 21:00:02 GMT", Utc(2002, 9, 28, 21, 0, 2), 0));
  EXPECT_TRUE(
      ParsesTo("Fri, 25 Dec 2009 03:30:22 +0000", Utc(2009, 12, 25, 3, 30, 22), 0));
  EXPECT_TRUE(ParsesTo("Sat, 07 Sep 2002 00:00:01 GMT", Utc(2002, 9, 7, 0, 0, 1), 0));
  EXPECT_TRUE(
      ParsesTo("Mon, 05 Jan 2004 10:20:00 UT", absl::FromUnixSeconds(1073298000), 0));
  EXPECT_TRUE(ParsesTo("Mon, 05 Jan 2004 10:20:00 UTC", Utc(2004, 1, 5, 10, 20), 0));
  EXPECT_TRUE(ParsesTo("Mon, 05 Jan 2004 10:20:00 Z", Utc(2004, 1, 5, 10, 20), 0));
}

TEST(FeedDate, NumericOffsetsMoveTheInstant) {
  EXPECT_TRUE(ParsesTo("Mon, 05 Jan 2004 10:20:00 +0530", Utc(2004, 1, 5, 4, 50), 330));
  EXPECT_TRUE(ParsesTo("Mon, 05 Jan 2004 10:20:00 -0800", Utc(2004, 1, 5, 18, 20), -480));
  EXPECT_TRUE(ParsesTo("Mon, 05 Jan 2004 10:20:00 +05:30", Utc(2004, 1, 5, 4, 50), 330));
  EXPECT_TRUE(ParsesTo("Mon, 05 Jan 2004 10:20:00 +05", Utc(2004, 1, 5, 5, 20), 300));
  EXPECT_TRUE(ParsesTo("Mon, 05 Jan 2004 10:20:00 -3", Utc(2004, 1, 5, 13, 20), -180));
  EXPECT_TRUE(ParsesTo("Mon, 05 Jan 2004 10:20:00 -0930", Utc(2004, 1, 5, 19, 50), -570));
  EXPECT_TRUE(ParsesTo("Mon, 05 Jan 2004 10:20:00 +1400", Utc(2004, 1, 4, 20, 20), 840));
  EXPECT_TRUE(ParsesTo("Mon, 05 Jan 2004 10:20:00 +1800", Utc(2004, 1, 4, 16, 20), 1080));
  EXPECT_TRUE(
      ParsesTo("Mon, 05 Jan 2004 10:20:00 -18:00", Utc(2004, 1, 6, 4, 20), -1080));
  // Across a year boundary.
  EXPECT_TRUE(ParsesTo("Thu, 01 Jan 2004 01:00:00 +0200", Utc(2003, 12, 31, 23), 120));
}

TEST(FeedDate, NorthAmericanZoneNamesHaveTheirOffsets) {
  const absl::Time noon_utc = Utc(2004, 7, 5, 12);
  EXPECT_TRUE(ParsesTo("Mon, 05 Jul 2004 07:00:00 EST", noon_utc, -300));
  EXPECT_TRUE(ParsesTo("Mon, 05 Jul 2004 08:00:00 EDT", noon_utc, -240));
  EXPECT_TRUE(ParsesTo("Mon, 05 Jul 2004 06:00:00 CST", noon_utc, -360));
  EXPECT_TRUE(ParsesTo("Mon, 05 Jul 2004 07:00:00 CDT", noon_utc, -300));
  EXPECT_TRUE(ParsesTo("Mon, 05 Jul 2004 05:00:00 MST", noon_utc, -420));
  EXPECT_TRUE(ParsesTo("Mon, 05 Jul 2004 06:00:00 MDT", noon_utc, -360));
  EXPECT_TRUE(ParsesTo("Mon, 05 Jul 2004 04:00:00 PST", noon_utc, -480));
  EXPECT_TRUE(ParsesTo("Mon, 05 Jul 2004 05:00:00 PDT", noon_utc, -420));
  EXPECT_TRUE(ParsesTo("Mon, 05 Jul 2004 05:00:00 pdt", noon_utc, -420));
}

TEST(FeedDate, OffsetsFromGmtAndUtcAreRead) {
  EXPECT_TRUE(ParsesTo("Mon, 05 Jan 2004 12:20:00 GMT+2", Utc(2004, 1, 5, 10, 20), 120));
  EXPECT_TRUE(ParsesTo("Mon, 05 Jan 2004 05:20:00 GMT-5", Utc(2004, 1, 5, 10, 20), -300));
  EXPECT_TRUE(
      ParsesTo("Mon, 05 Jan 2004 15:50:00 UTC+05:30", Utc(2004, 1, 5, 10, 20), 330));
  EXPECT_TRUE(
      ParsesTo("Mon, 05 Jan 2004 05:20:00 UTC-0500", Utc(2004, 1, 5, 10, 20), -300));
  EXPECT_TRUE(
      ParsesTo("Mon, 05 Jan 2004 11:20:00 GMT +0100", Utc(2004, 1, 5, 10, 20), 60));
  // "GMT-0000" states GMT: the offset is known, unlike a bare "-0000".
  EXPECT_TRUE(ParsesTo("Mon, 05 Jan 2004 10:20:00 GMT-0000", Utc(2004, 1, 5, 10, 20), 0));
}

TEST(FeedDate, UnplacedZonesLeaveTheOffsetUnknown) {
  const absl::Time clock_as_utc = Utc(2004, 1, 5, 10, 20);
  EXPECT_TRUE(ParsesTo("Mon, 05 Jan 2004 10:20:00 -0000", clock_as_utc, kUnknown));
  EXPECT_TRUE(ParsesTo("Mon, 05 Jan 2004 10:20:00 -00:00", clock_as_utc, kUnknown));
  EXPECT_TRUE(ParsesTo("Mon, 05 Jan 2004 10:20:00", clock_as_utc, kUnknown));
  // RFC 2822: military letters other than Z were defined with the wrong sign.
  EXPECT_TRUE(ParsesTo("Mon, 05 Jan 2004 10:20:00 A", clock_as_utc, kUnknown));
  EXPECT_TRUE(ParsesTo("Mon, 05 Jan 2004 10:20:00 m", clock_as_utc, kUnknown));
  EXPECT_TRUE(ParsesTo("Mon, 05 Jan 2004 10:20:00 Y", clock_as_utc, kUnknown));
  EXPECT_TRUE(ParsesTo("Mon, 05 Jan 2004 10:20:00 XYZ", clock_as_utc, kUnknown));
  EXPECT_TRUE(
      ParsesTo("Mon, 05 Jan 2004 10:20:00 Mars/Olympus_Mons", clock_as_utc, kUnknown));
}

// The example: CEST is two hours east, so 15:04:05 CEST is 13:04:05Z.
TEST(FeedDate, ZoneAbbreviationsAreRead) {
  EXPECT_TRUE(ParsesTo("Mon, 02 Jan 2006 15:04:05 CEST", Utc(2006, 1, 2, 13, 4, 5), 120));
  EXPECT_TRUE(ParsesTo("Mon, 02 Jan 2006 15:04:05 CET", Utc(2006, 1, 2, 14, 4, 5), 60));
  EXPECT_TRUE(ParsesTo("Mon, 02 Jan 2006 15:04:05 BST", Utc(2006, 1, 2, 14, 4, 5), 60));
  EXPECT_TRUE(ParsesTo("Mon, 02 Jan 2006 15:04:05 IST", Utc(2006, 1, 2, 9, 34, 5), 330));
  EXPECT_TRUE(ParsesTo("Mon, 02 Jan 2006 15:04:05 JST", Utc(2006, 1, 2, 6, 4, 5), 540));
  EXPECT_TRUE(ParsesTo("Mon, 02 Jan 2006 15:04:05 MSK", Utc(2006, 1, 2, 12, 4, 5), 180));
  EXPECT_TRUE(ParsesTo("Mon, 02 Jan 2006 15:04:05 EEST", Utc(2006, 1, 2, 12, 4, 5), 180));
  EXPECT_TRUE(ParsesTo("Mon, 02 Jan 2006 15:04:05 AEST", Utc(2006, 1, 2, 5, 4, 5), 600));
  EXPECT_TRUE(
      ParsesTo("Mon, 02 Jan 2006 15:04:05 NST", Utc(2006, 1, 2, 18, 34, 5), -210));
  EXPECT_TRUE(ParsesTo("Mon, 02 Jan 2006 15:04:05 npt", Utc(2006, 1, 2, 9, 19, 5), 345));
  // Glued to the clock, in ISO 8601 dates, and before the year (date(1)).
  EXPECT_TRUE(ParsesTo("2006-01-02T15:04:05CEST", Utc(2006, 1, 2, 13, 4, 5), 120));
  EXPECT_TRUE(ParsesTo("2006-01-02 15:04:05 JST", Utc(2006, 1, 2, 6, 4, 5), 540));
  EXPECT_TRUE(ParsesTo("Mon Jan 02 15:04:05 CEST 2006", Utc(2006, 1, 2, 13, 4, 5), 120));
  // A comment naming the zone in full is still a comment.
  EXPECT_TRUE(ParsesTo("Mon, 02 Jan 2006 15:04:05 CEST (Central European Summer Time)",
                       Utc(2006, 1, 2, 13, 4, 5), 120));
}

// Every abbreviation in the table reads as the numeric offset it stands
// for, in upper and lower case, in both date families.
TEST(FeedDate, EveryTableAbbreviationMatchesItsNumericOffset) {
  for (const ZoneAbbreviation& zone : ZoneAbbreviations()) {
    const int offset = zone.offset_minutes;
    const std::string numeric = absl::StrCat(
        offset < 0 ? "-" : "+", absl::Dec(std::abs(offset) / 60, absl::kZeroPad2),
        absl::Dec(std::abs(offset) % 60, absl::kZeroPad2));
    const absl::StatusOr<FeedDate> expected =
        ParseFeedDate(absl::StrCat("Tue, 09 Jul 2024 23:59:30 ", numeric));
    ASSERT_TRUE(expected.ok()) << numeric;
    for (const std::string& name :
         {std::string(zone.name), absl::AsciiStrToLower(zone.name)}) {
      EXPECT_TRUE(ParsesTo(absl::StrCat("Tue, 09 Jul 2024 23:59:30 ", name),
                           expected->time, offset))
          << name;
      EXPECT_TRUE(
          ParsesTo(absl::StrCat("2024-07-09T23:59:30 ", name), expected->time, offset))
          << name;
      EXPECT_TRUE(ParseFeedDate(absl::StrCat("Tue, 09 Jul 2024 23:59:30 ", name))
                      ->offset_note.empty())
          << name;
    }
  }
}

TEST(FeedDate, IanaZoneNamesUseTheOffsetInEffect) {
  absl::TimeZone paris;
  if (!absl::LoadTimeZone("Europe/Paris", &paris)) {
    GTEST_SKIP() << "no tzdata on this machine (Debian package tzdata)";
  }
  EXPECT_TRUE(
      ParsesTo("Mon, 05 Jan 2004 10:20:00 Europe/Paris", Utc(2004, 1, 5, 9, 20), 60));
  EXPECT_TRUE(
      ParsesTo("Mon, 05 Jul 2004 10:20:00 Europe/Paris", Utc(2004, 7, 5, 8, 20), 120));
  EXPECT_TRUE(ParsesTo("2024-03-01 12:00 America/Argentina/Buenos_Aires",
                       Utc(2024, 3, 1, 15, 0), -180));
  // A name that only looks like a path is not looked up as one.
  EXPECT_TRUE(ParsesTo("Mon, 05 Jan 2004 10:20:00 Europe/../../etc",
                       Utc(2004, 1, 5, 10, 20), kUnknown));
}

TEST(FeedDate, TheOffsetNoteSaysWhyTheClockWasReadAsUtc) {
  const auto note = [](absl::string_view text) {
    const absl::StatusOr<FeedDate> date = ParseFeedDate(text);
    return date.ok() ? date->offset_note : std::string(date.status().message());
  };
  EXPECT_EQ(note("Mon, 02 Jan 2006 15:04:05 XYZ"),
            "unknown time zone \"XYZ\": the clock time is read as UTC");
  EXPECT_EQ(note("Mon, 02 Jan 2006 15:04:05"),
            "no time zone given: the clock time is read as UTC");
  EXPECT_TRUE(
      absl::StrContains(note("Mon, 02 Jan 2006 15:04:05 A"), "military zone letter"));
  // Nothing to say: a placed zone, "-0000" (unknown on purpose), a date
  // without a clock time.
  EXPECT_EQ(note("Mon, 02 Jan 2006 15:04:05 CEST"), "");
  EXPECT_EQ(note("Mon, 02 Jan 2006 15:04:05 -0000"), "");
  EXPECT_EQ(note("2006-01-02"), "");
  EXPECT_EQ(note("Mon, 02 Jan 2006"), "");
}

TEST(FeedDate, WeekdayIsOptionalAndNeverChecked) {
  const absl::Time time = Utc(2004, 1, 5, 10, 20);
  EXPECT_TRUE(ParsesTo("05 Jan 2004 10:20:00 GMT", time, 0));
  EXPECT_TRUE(ParsesTo("Fri, 05 Jan 2004 10:20:00 GMT", time, 0));
  EXPECT_TRUE(ParsesTo("Mon 05 Jan 2004 10:20:00 GMT", time, 0));
  EXPECT_TRUE(ParsesTo("Mon,05 Jan 2004 10:20:00 GMT", time, 0));
  EXPECT_TRUE(ParsesTo("Mon, 05 Jan, 2004, 10:20:00 GMT", time, 0));
  EXPECT_TRUE(ParsesTo("Monday, 05 January 2004 10:20:00 GMT", time, 0));
  EXPECT_TRUE(ParsesTo("Tues, 05 Jan 2004 10:20:00 GMT", time, 0));
  EXPECT_TRUE(ParsesTo("Mon., 05 Jan. 2004 10:20:00 GMT", time, 0));
  // A weekday in another language, before the day: "mer" is Italian.
  EXPECT_TRUE(ParsesTo("mer, 05 Jan 2004 10:20:00 GMT", time, 0));
  EXPECT_TRUE(ParsesTo("Mittwoch, 05 Jan 2004 10:20:00 GMT", time, 0));
}

TEST(FeedDate, NamesAreReadInAnyCaseAndAbbreviation) {
  const absl::Time time = Utc(2004, 9, 7, 10, 20);
  EXPECT_TRUE(ParsesTo("TUE, 07 SEP 2004 10:20:00 GMT", time, 0));
  EXPECT_TRUE(ParsesTo("tue, 07 sep 2004 10:20:00 gmt", time, 0));
  EXPECT_TRUE(ParsesTo("Tue, 07 Sept 2004 10:20:00 GMT", time, 0));
  EXPECT_TRUE(ParsesTo("Tuesday, 07 SEPTEMBER 2004 10:20:00 GMT", time, 0));
  EXPECT_TRUE(ParsesTo("Tue, 07 Sept. 2004 10:20:00 GMT", time, 0));
  // Each month by its full name and its abbreviation.
  const char* const kMonths[] = {"January",   "February", "March",    "April",
                                 "May",       "June",     "July",     "August",
                                 "September", "October",  "November", "December"};
  for (int month = 1; month <= 12; ++month) {
    const std::string name = kMonths[month - 1];
    EXPECT_TRUE(
        ParsesTo(absl::StrCat("15 ", name, " 2010 00:00 GMT"), Utc(2010, month, 15), 0));
    EXPECT_TRUE(ParsesTo(absl::StrCat("15 ", name.substr(0, 3), " 2010 00:00 GMT"),
                         Utc(2010, month, 15), 0));
  }
}

TEST(FeedDate, ShortYearsFollowRfc2822) {
  EXPECT_TRUE(ParsesTo("05 Jan 04 10:20 GMT", Utc(2004, 1, 5, 10, 20), 0));
  EXPECT_TRUE(ParsesTo("05 Jan 00 10:20 GMT", Utc(2000, 1, 5, 10, 20), 0));
  EXPECT_TRUE(ParsesTo("05 Jan 49 10:20 GMT", Utc(2049, 1, 5, 10, 20), 0));
  EXPECT_TRUE(ParsesTo("05 Jan 50 10:20 GMT", Utc(1950, 1, 5, 10, 20), 0));
  EXPECT_TRUE(ParsesTo("05 Jan 99 10:20 GMT", Utc(1999, 1, 5, 10, 20), 0));
  // A year printed as years since 1900.
  EXPECT_TRUE(ParsesTo("05 Jan 104 10:20 GMT", Utc(2004, 1, 5, 10, 20), 0));
  EXPECT_TRUE(ParsesTo("Monday, 05-Jan-04 10:20:00 GMT", Utc(2004, 1, 5, 10, 20), 0));
}

TEST(FeedDate, SingleDigitsAndMissingSecondsAreRead) {
  EXPECT_TRUE(ParsesTo("Mon, 5 Jan 2004 1:02:03 GMT", Utc(2004, 1, 5, 1, 2, 3), 0));
  EXPECT_TRUE(ParsesTo("Mon, 05 Jan 2004 10:20 GMT", Utc(2004, 1, 5, 10, 20), 0));
  EXPECT_TRUE(ParsesTo("5 Jan 2004 9:05 +0100", Utc(2004, 1, 5, 8, 5), 60));
  EXPECT_TRUE(ParsesTo("Mon, 05 Jan 2004 10:20:00.250 GMT",
                       Utc(2004, 1, 5, 10, 20) + absl::Milliseconds(250), 0));
}

TEST(FeedDate, DateWithoutTimeIsItsMidnight) {
  EXPECT_TRUE(ParsesTo("Mon, 05 Jan 2004", Utc(2004, 1, 5), kUnknown));
  EXPECT_TRUE(ParsesTo("January 5, 2004", Utc(2004, 1, 5), kUnknown));
  EXPECT_TRUE(ParsesTo("05 Jan 2004 +0200", Utc(2004, 1, 4, 22), 120));
}

TEST(FeedDate, MonthBeforeDayIsRead) {
  EXPECT_TRUE(ParsesTo("Jan 05 2004 10:20:00 GMT", Utc(2004, 1, 5, 10, 20), 0));
  EXPECT_TRUE(ParsesTo("January 5, 2004 10:20:00 GMT", Utc(2004, 1, 5, 10, 20), 0));
  EXPECT_TRUE(
      ParsesTo("Monday, January 5, 2004 10:20 -0500", Utc(2004, 1, 5, 15, 20), -300));
  // JavaScript's Date.prototype.toString.
  EXPECT_TRUE(ParsesTo("Mon Jan 05 2004 10:20:00 GMT+0000 (Coordinated Universal Time)",
                       Utc(2004, 1, 5, 10, 20), 0));
  EXPECT_TRUE(
      ParsesTo("Mon Jan 05 2004 11:20:00 GMT+0100 (Central European Standard Time)",
               Utc(2004, 1, 5, 10, 20), 60));
}

TEST(FeedDate, YearAfterTheTimeIsRead) {
  // asctime.
  EXPECT_TRUE(ParsesTo("Mon Jan  5 10:20:00 2004", Utc(2004, 1, 5, 10, 20), kUnknown));
  // date(1), with the zone before the year or after it.
  EXPECT_TRUE(ParsesTo("Mon Jan  5 10:20:00 EST 2004", Utc(2004, 1, 5, 15, 20), -300));
  EXPECT_TRUE(ParsesTo("Mon Jan  5 10:20:00 2004 EST", Utc(2004, 1, 5, 15, 20), -300));
  EXPECT_TRUE(ParsesTo("Mon Jan  5 10:20:00 CET 2004", Utc(2004, 1, 5, 9, 20), 60));
  EXPECT_TRUE(ParsesTo("05 Jan 10:20:00 2004 +0100", Utc(2004, 1, 5, 9, 20), 60));
}

TEST(FeedDate, TwelveHourClockIsRead) {
  EXPECT_TRUE(ParsesTo("Jan 5, 2004 10:20 AM", Utc(2004, 1, 5, 10, 20), kUnknown));
  EXPECT_TRUE(ParsesTo("Jan 5, 2004 10:20 PM EST", Utc(2004, 1, 6, 3, 20), -300));
  EXPECT_TRUE(ParsesTo("Jan 5, 2004 10:20pm", Utc(2004, 1, 5, 22, 20), kUnknown));
  EXPECT_TRUE(ParsesTo("Jan 5, 2004 10:20:30 p.m. GMT", Utc(2004, 1, 5, 22, 20, 30), 0));
  EXPECT_TRUE(ParsesTo("Jan 5, 2004 12:05 AM", Utc(2004, 1, 5, 0, 5), kUnknown));
  EXPECT_TRUE(ParsesTo("Jan 5, 2004 12:05 PM", Utc(2004, 1, 5, 12, 5), kUnknown));
}

TEST(FeedDate, CommentsWhitespaceAndTrailingWordsAreIgnored) {
  const absl::Time time = Utc(2004, 1, 5, 18, 20);
  EXPECT_TRUE(ParsesTo("Mon, 05 Jan 2004 10:20:00 -0800 (PST)", time, -480));
  EXPECT_TRUE(ParsesTo("Mon, 05 Jan 2004 10:20:00 (PST) -0800", time, -480));
  EXPECT_TRUE(
      ParsesTo("Mon, 05 Jan 2004 10:20:00 -0800 (Pacific (Standard) Time", time, -480));
  EXPECT_TRUE(ParsesTo("  Mon,   05  Jan\t2004 \n10:20:00   -0800  \r\n", time, -480));
  EXPECT_TRUE(
      ParsesTo("\xC2\xA0Mon,\xC2\xA0"
               "05 Jan 2004 10:20:00 -0800\xC2\xA0",
               time, -480));
  EXPECT_TRUE(ParsesTo("Mon, 05 Jan 2004 10:20:00 -0800 PST", time, -480));
  EXPECT_TRUE(
      ParsesTo("Mon, 05 Jan 2004 10:20:00 PST Pacific Standard Time", time, -480));
  // A zone glued to the time.
  EXPECT_TRUE(ParsesTo("05 Jan 2004 10:20:00-0800", time, -480));
  EXPECT_TRUE(ParsesTo("05 Jan 2004 18:20:00GMT", time, 0));
}

TEST(FeedDate, LeapSecondIsClampedTo59) {
  EXPECT_TRUE(
      ParsesTo("Sat, 31 Dec 2016 23:59:60 GMT", Utc(2016, 12, 31, 23, 59, 59), 0));
  EXPECT_TRUE(ParsesTo("2016-12-31T23:59:60Z", Utc(2016, 12, 31, 23, 59, 59), 0));
  EXPECT_TRUE(ParsesTo("2016-12-31T18:59:60-05:00", Utc(2016, 12, 31, 23, 59, 59), -300));
}

// ---------------------------------------------------------------------------
// Atom, JSON Feed, ninjs, dc:date: RFC 3339, ISO 8601, W3C-DTF.

TEST(FeedDate, ReadsRfc3339) {
  EXPECT_TRUE(ParsesTo("2003-12-31T10:14:55Z", Utc(2003, 12, 31, 10, 14, 55), 0));
  EXPECT_TRUE(ParsesTo("2002-09-28T20:01:19Z", Utc(2002, 9, 28, 20, 1, 19), 0));
  EXPECT_TRUE(ParsesTo("2004-06-02T19:07:55-04:00", Utc(2004, 6, 2, 23, 7, 55), -240));
  EXPECT_TRUE(ParsesTo("2009-12-08T16:59:02.563-08:00",
                       Utc(2009, 12, 9, 0, 59, 2) + absl::Milliseconds(563), -480));
  EXPECT_TRUE(ParsesTo("2004-01-05T10:20:00+05:30", Utc(2004, 1, 5, 4, 50), 330));
  EXPECT_TRUE(ParsesTo("1970-01-01T00:00:00Z", absl::UnixEpoch(), 0));
  EXPECT_TRUE(ParsesTo("2004-01-05T10:20:00-00:00", Utc(2004, 1, 5, 10, 20), kUnknown));
  EXPECT_TRUE(ParsesTo("2004-01-05T10:20:00+00:00", Utc(2004, 1, 5, 10, 20), 0));
}

TEST(FeedDate, ReadsW3cDtfPartialDates) {
  EXPECT_TRUE(ParsesTo("2004", Utc(2004, 1, 1), kUnknown));
  EXPECT_TRUE(ParsesTo("2004-07", Utc(2004, 7, 1), kUnknown));
  EXPECT_TRUE(ParsesTo("2004-07-05", Utc(2004, 7, 5), kUnknown));
  EXPECT_TRUE(ParsesTo("2004-01-05T10:20Z", Utc(2004, 1, 5, 10, 20), 0));
  EXPECT_TRUE(ParsesTo("2002-10-13T09:00+01:00", Utc(2002, 10, 13, 8), 60));
  EXPECT_TRUE(ParsesTo("2004-1-5", Utc(2004, 1, 5), kUnknown));
}

TEST(FeedDate, ReadsIso8601Variants) {
  const absl::Time time = Utc(2004, 1, 5, 10, 20);
  EXPECT_TRUE(ParsesTo("2004-01-05t10:20:00z", time, 0));
  EXPECT_TRUE(ParsesTo("2004-01-05 10:20:00Z", time, 0));
  EXPECT_TRUE(ParsesTo("2004-01-05 10:20:00 +0000", time, 0));
  EXPECT_TRUE(ParsesTo("2004-01-05 10:20:00", time, kUnknown));
  EXPECT_TRUE(ParsesTo("2004-01-05T10:20:00", time, kUnknown));
  EXPECT_TRUE(ParsesTo("2004-01-05 10:20:00.000000", time, kUnknown));
  EXPECT_TRUE(ParsesTo("2004-01-05T15:20:00 +05", time, 300));
  EXPECT_TRUE(ParsesTo("2004-01-05T10:20:00 GMT", time, 0));
  EXPECT_TRUE(ParsesTo("2004-01-05T10:20:00Z (UTC)", time, 0));
  EXPECT_TRUE(ParsesTo("  2004-01-05T10:20:00Z\n", time, 0));
  EXPECT_TRUE(ParsesTo("2004-01-05T05:20:00EST", time, -300));
  // Basic format.
  EXPECT_TRUE(ParsesTo("20040105T102000Z", time, 0));
  EXPECT_TRUE(ParsesTo("20040105T1550+0530", time, 330));
  EXPECT_TRUE(ParsesTo("20040105", Utc(2004, 1, 5), kUnknown));
}

TEST(FeedDate, FractionalSecondsAreKeptToTheNanosecond) {
  const absl::Time time = Utc(2004, 1, 5, 10, 20);
  EXPECT_TRUE(ParsesTo("2004-01-05T10:20:00.5Z", time + absl::Milliseconds(500), 0));
  EXPECT_TRUE(ParsesTo("2004-01-05T10:20:00,5Z", time + absl::Milliseconds(500), 0));
  EXPECT_TRUE(ParsesTo("2004-01-05T10:20:00.000001Z", time + absl::Microseconds(1), 0));
  EXPECT_TRUE(ParsesTo("2004-01-05T10:20:00.123456789987654321Z",
                       time + absl::Nanoseconds(123456789), 0));
  EXPECT_TRUE(ParsesTo("20040105T102000.25Z", time + absl::Milliseconds(250), 0));
}

TEST(FeedDate, HourTwentyFourIsTheEndOfTheDay) {
  EXPECT_TRUE(ParsesTo("2004-12-31T24:00:00Z", Utc(2005, 1, 1), 0));
  EXPECT_TRUE(ParsesTo("2004-12-31T24:00+01:00", Utc(2004, 12, 31, 23), 60));
}

TEST(FeedDate, LeapDaysAreKnown) {
  EXPECT_TRUE(ParsesTo("2004-02-29", Utc(2004, 2, 29), kUnknown));
  EXPECT_TRUE(ParsesTo("2000-02-29", Utc(2000, 2, 29), kUnknown));
  EXPECT_TRUE(ParsesTo("29 Feb 2000 00:00 GMT", Utc(2000, 2, 29), 0));
  EXPECT_TRUE(IsRefused("1900-02-29", {"day 29"}));
  EXPECT_TRUE(IsRefused("2003-02-29", {"day 29"}));
}

// ---------------------------------------------------------------------------
// Refusals.

TEST(FeedDate, RefusesWhatIsNotADate) {
  EXPECT_TRUE(IsRefused("", {"unrecognized date \"\""}));
  EXPECT_TRUE(IsRefused("   ", {"unrecognized date \"\""}));
  EXPECT_TRUE(IsRefused("yesterday", {"unrecognized date \"yesterday\""}));
  EXPECT_TRUE(IsRefused("Mon, Jan 2004", {"unrecognized date \"Mon, Jan 2004\""}));
  EXPECT_TRUE(IsRefused("05 Foo 2004 10:20:00 GMT", {"unrecognized date"}));
  EXPECT_TRUE(IsRefused("05 Jan 10:20:00 GMT", {"unrecognized date"}));
  EXPECT_TRUE(IsRefused("05 Jan 2004 10:20:00 +0000 1234", {"unrecognized date"}));
  EXPECT_TRUE(IsRefused("05 Jan 2004 10 GMT", {"unrecognized date"}));
  EXPECT_TRUE(IsRefused("05 Jan 2004 10:2 GMT", {"unrecognized date"}));
  EXPECT_TRUE(IsRefused("05 Jan 2004 10:20:00 +530", {"unrecognized date"}));
  EXPECT_TRUE(IsRefused("05 Jan 20041 10:20:00 GMT", {"unrecognized date"}));
  EXPECT_TRUE(IsRefused("05 Jan 4 10:20:00 GMT", {"unrecognized date"}));
  EXPECT_TRUE(IsRefused("10:20:00", {"unrecognized date"}));
  EXPECT_TRUE(IsRefused("2004-01-05T", {"unrecognized date"}));
  EXPECT_TRUE(IsRefused("2004-01-05T10", {"unrecognized date"}));
  EXPECT_TRUE(IsRefused("2004-01T10:20Z", {"unrecognized date"}));
  EXPECT_TRUE(IsRefused("2004-01-05T10:20:00Zulu", {"unrecognized date"}));
  EXPECT_TRUE(IsRefused("2004-01-05T10:20:00.Z", {"unrecognized date"}));
  EXPECT_TRUE(IsRefused("2004-01-05T10:20:00+05:3", {"unrecognized date"}));
  EXPECT_TRUE(IsRefused("2004/01/05", {"unrecognized date"}));
  EXPECT_TRUE(IsRefused("200401", {"unrecognized date"}));
  EXPECT_TRUE(IsRefused("1073298000", {"unrecognized date"}));
  EXPECT_TRUE(
      IsRefused("99999999999-01-01", {"unrecognized date \"99999999999-01-01\""}));
  EXPECT_TRUE(IsRefused("2004-99999999999999999999", {"unrecognized date"}));
  EXPECT_TRUE(IsRefused("05 Jan 99999999999999999999 10:20 GMT", {"unrecognized date"}));
}

TEST(FeedDate, RefusesFieldsOutOfRange) {
  EXPECT_TRUE(IsRefused("2004-13-01", {"month 13", "\"2004-13-01\""}));
  EXPECT_TRUE(IsRefused("2004-00-01", {"month 0"}));
  EXPECT_TRUE(IsRefused("2004-01-32", {"day 32", "\"2004-01-32\""}));
  EXPECT_TRUE(IsRefused("2004-01-00", {"day 0"}));
  EXPECT_TRUE(IsRefused("Mon, 30 Feb 2004 10:20:00 GMT", {"day 30"}));
  EXPECT_TRUE(IsRefused("31 Apr 2004", {"day 31"}));
  EXPECT_TRUE(IsRefused("2004-01-05T25:00:00Z", {"hour 25"}));
  EXPECT_TRUE(IsRefused("2004-01-05T24:00:01Z", {"hour 24"}));
  EXPECT_TRUE(IsRefused("05 Jan 2004 10:60 GMT", {"minute 60"}));
  EXPECT_TRUE(IsRefused("05 Jan 2004 10:20:61 GMT", {"second 61"}));
  EXPECT_TRUE(IsRefused("05 Jan 2004 13:20 PM", {"hour 13"}));
  EXPECT_TRUE(IsRefused("05 Jan 2004 0:20 AM", {"hour 0"}));
  EXPECT_TRUE(IsRefused("2004-01-05T10:20:00+18:01", {"offset +18:01"}));
  EXPECT_TRUE(IsRefused("05 Jan 2004 10:20:00 -1900", {"offset -19:00"}));
  EXPECT_TRUE(IsRefused("05 Jan 2004 10:20:00 +0560", {"offset +05:60"}));
  EXPECT_TRUE(IsRefused("05 Jan 2004 10:20:00 GMT+99", {"offset +99:00"}));
}

TEST(FeedDate, ErrorQuotesTheTextEscapedAndCut) {
  const std::string long_text =
      absl::StrCat("Mon, 05 Jan 2004 ", std::string(100, 'x'), "!1");
  const absl::Status status = ParseFeedDate(long_text).status();
  EXPECT_TRUE(absl::StrContains(status.message(),
                                absl::StrCat("\"", long_text.substr(0, kMaxQuotedInputBytes),
                                             "\"…")))
      << status;
  EXPECT_FALSE(absl::StrContains(status.message(), "!")) << status;
  EXPECT_TRUE(IsRefused("bad\x01\"date", {"\"bad\\x01\\\"date\""}));
}

TEST(FeedDate, RefusesTextLongerThanTheLimit) {
  std::string text =
      absl::StrCat("Mon, 05 Jan 2004 10:20:00 GMT ", std::string(kMaxFeedDateBytes, 'x'));
  EXPECT_TRUE(IsRefused(text, {"longer than 256 bytes", "\"Mon, 05 Jan 2004"}));
  // Surrounding whitespace does not count.
  text = absl::StrCat(std::string(1000, ' '), "2004-01-05", std::string(1000, '\n'));
  EXPECT_TRUE(ParsesTo(text, Utc(2004, 1, 5), kUnknown));
}

// ---------------------------------------------------------------------------
// Properties.

// A time format as feeds write it, and how much of a time it keeps.
struct Format {
  const char* pattern;  // For absl::FormatTime.
  absl::Duration precision;
  int min_year;
  int max_year;
};

// Formats random instants at random offsets as feeds do and checks that
// they parse back to the same instant and offset.
TEST(FeedDate, ParsesBackWhatItsFormatsWrite) {
  const Format kFormats[] = {
      {absl::RFC1123_full, absl::Seconds(1), 1000, 9999},
      {absl::RFC1123_no_wday, absl::Seconds(1), 1000, 9999},
      {absl::RFC3339_full, absl::Nanoseconds(1), 1000, 9999},
      {absl::RFC3339_sec, absl::Seconds(1), 1000, 9999},
      {"%Y-%m-%d %H:%M:%E3S %z", absl::Milliseconds(1), 1000, 9999},
      {"%Y%m%dT%H%M%S%z", absl::Seconds(1), 1000, 9999},
      {"%a %b %d %Y %H:%M:%S GMT%z", absl::Seconds(1), 1000, 9999},
      {"%A, %B %e, %Y %I:%M %p %Ez", absl::Minutes(1), 1000, 9999},
      {"%d %b %y %H:%M %z", absl::Minutes(1), 1950, 2049},
  };
  std::mt19937 random(20040105);
  for (const Format& format : kFormats) {
    const int64_t first = absl::ToUnixSeconds(Utc(format.min_year, 1, 2));
    const int64_t last = absl::ToUnixSeconds(Utc(format.max_year, 12, 30));
    std::uniform_int_distribution<int64_t> seconds(first, last);
    std::uniform_int_distribution<int> nanos(0, 999999999);
    std::uniform_int_distribution<int> offsets(-18 * 60, 18 * 60);
    for (int i = 0; i < 2000; ++i) {
      const absl::Time time =
          absl::UnixEpoch() +
          absl::Floor(absl::Seconds(seconds(random)) + absl::Nanoseconds(nanos(random)),
                      format.precision);
      const int offset = offsets(random);
      const std::string text =
          absl::FormatTime(format.pattern, time, absl::FixedTimeZone(offset * 60));
      ASSERT_TRUE(ParsesTo(text, time, offset)) << "format " << format.pattern;
    }
  }
}

// Fuzzes lightly: random text from date-like pieces, and valid dates with
// bytes changed, must be parsed or refused, never crash, and any result must
// keep the contract's invariants.
TEST(FeedDate, AnyTextIsParsedOrRefused) {
  const std::vector<std::string> kPieces = {
      "0",   "1",    "9",   "00",      "24",       "60",   "99",   "2004", "99999999999",
      ":",   "-",    "+",   ".",       ",",        " ",    "\t",   "(",    ")",
      "T",   "t",    "Z",   "GMT",     "UTC",      "EST",  "A",    "PM",   "a.m.",
      "Jan", "Sept", "Mon", "Tuesday", "\xC2\xA0", "\xC2", "\xFF", "\0",   "x"};
  const std::vector<std::string> kValid = {
      "Mon, 05 Jan 2004 10:20:00 +0530", "2004-01-05T10:20:00.123-08:00",
      "Mon Jan  5 10:20:00 EST 2004", "20040105T102000Z",
      "Jan 5, 2004 10:20 PM GMT+2 (x)"};
  std::mt19937 random(7);
  auto pick = [&](size_t n) {
    return std::uniform_int_distribution<size_t>(0, n - 1)(random);
  };
  for (int i = 0; i < 50000; ++i) {
    std::string text;
    if (i % 2 == 0) {
      const size_t pieces = pick(16);
      for (size_t k = 0; k < pieces; ++k) text += kPieces[pick(kPieces.size())];
    } else {
      text = kValid[pick(kValid.size())];
      for (size_t edits = pick(4) + 1; edits > 0; --edits) {
        const size_t at = pick(text.size() + 1);
        const std::string piece = kPieces[pick(kPieces.size())];
        switch (pick(3)) {
          case 0:
            text.insert(at, piece);
            break;
          case 1:
            text.erase(at, pick(4));
            break;
          default:
            text.replace(at, 1, piece);
            break;
        }
      }
    }
    const absl::StatusOr<FeedDate> date = ParseFeedDate(text);
    if (!date.ok()) {
      ASSERT_EQ(date.status().code(), absl::StatusCode::kInvalidArgument) << text;
      continue;
    }
    ASSERT_LE(std::abs(date->offset_minutes), 18 * 60) << text;
    if (!date->offset_known) {
      ASSERT_EQ(date->offset_minutes, 0) << text;
    }
    ASSERT_GE(date->time, Utc(0, 1, 1) - absl::Hours(24)) << text;
    ASSERT_LE(date->time, Utc(10000, 1, 1) + absl::Hours(24)) << text;
  }
}

}  // namespace
}  // namespace newswire
