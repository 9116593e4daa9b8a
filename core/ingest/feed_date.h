// Feed date parser.
//
// Reads the dates feeds carry (RSS pubDate and lastBuildDate, Atom updated
// and published, dc:date, JSON Feed and ninjs date fields) as they are
// actually written, which is often not as their specifications say.
#ifndef NEWSWIRE_CORE_INGEST_FEED_DATE_H_
#define NEWSWIRE_CORE_INGEST_FEED_DATE_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace newswire {

// Longest date text ParseFeedDate reads, leading and trailing whitespace
// aside. Real dates, comments included, are well under it.
inline constexpr size_t kMaxFeedDateBytes = 256;

// A date as a feed states it.
struct FeedDate {
  absl::Time time;  // The instant.
  // The UTC offset the text stated, east positive (e.g. +05:30 -> 330).
  int offset_minutes = 0;
  // False when the text had no zone, "-0000", or a zone name we cannot
  // place; offset_minutes is then 0 and the clock time was read as UTC.
  bool offset_known = false;
  // Why, when the text has a clock time and the offset is unknown for want
  // of a zone we can place, that time was read as UTC: "no time zone given:
  // ...", "unknown time zone \"XYZ\": ...". Empty otherwise, and for
  // "-0000", which states on purpose that the offset is unknown.
  std::string offset_note;
};

// Parses a date from a feed. Two families are read; text that opens with
// four or more digits (a year) is read as the second, any other as the first.
//
// RSS, RFC 822 / RFC 1123 / RFC 2822 and their broken variants:
//   "Mon, 05 Jan 2004 10:20:00 +0000", "5 Jan 04 10:20 EST",
//   "Monday, 05 January 2004 10:20:00 GMT", "Jan 05 2004 10:20:00 GMT",
//   "Mon Jan  5 10:20:00 2004" (asctime), "Mon Jan 05 10:20:00 EST 2004"
//   (date(1)), "Monday, 05-Jan-04 10:20:00 GMT" (RFC 850),
//   "Mon Jan 05 2004 10:20:00 GMT+0000 (Coordinated Universal Time)".
//  - The weekday is optional and ignored, even when wrong; the comma after it
//    is optional. Weekday and month names may be abbreviated to three or more
//    letters ("Tue", "Tues", "Sept"), may end in ".", and are read in any
//    case.
//  - Day and month come in either order ("05 Jan", "Jan 05"); the day, like
//    the hour, may have one digit. The year has 4 digits, or 2 (RFC 2822:
//    00-49 is 20xx, 50-99 is 19xx), or 3 (RFC 2822: 1900 is added, so a
//    year printed as "104" is 2004).
//  - The time is h:mm, h:mm:ss or h:mm:ss.fraction, optionally followed by
//    "AM" or "PM" (then the hour must be 1-12). Without a time the date
//    stands for its midnight.
// Atom, JSON Feed, ninjs and dc:date, RFC 3339 / ISO 8601 / W3C-DTF:
//   "2004-01-05T10:20:00Z", "2004-01-05T10:20:00.123+05:30", "2004",
//   "2004-01", "2004-01-05", "2004-01-05T10:20Z", "2004-01-05t10:20:00z",
//   "2004-01-05 10:20:00 +0000", "20040105T102000Z" (basic format).
//  - Partial dates stand for their first instant; a time needs a full date.
//  - Fractional seconds are kept to the nanosecond (extra digits dropped);
//    "," may stand for ".". 24:00:00 is midnight at the end of the day.
//    "AM" or "PM" may follow the time, as in RSS.
// Zones, in either family, follow the time (or the date), glued to it or not
// (a glued zone must be numeric or a name we know: "10:20Z", not "10:20Zulu"):
//  - numeric: "+0530", "+05:30", "+05", "-5"; "-0000" and "-00:00" state
//    that the offset is unknown (RFC 2822, RFC 3339);
//  - "Z", "UT", "UTC", "GMT", each alone or with a numeric offset ("GMT+2",
//    "UTC-05:00", "GMT +0100");
//  - the abbreviations in core/ingest/zone_names.h ("EST", "CEST", "JST",
//    "AEST", "IST" as India, ...);
//  - an IANA zone name this machine's tzdata has ("Europe/Paris"), with the
//    offset in effect at that date and time;
//  - any other word of letters (military single letters, "XYZ"): unknown
//    offset, with offset_note saying so.
// Parenthesised comments ("(PST)", nested or left open) count as spaces;
// words without digits after the zone ("Coordinated Universal Time") are
// ignored; leading, trailing and repeated whitespace (no-break space
// included) does not matter.
//
// A date without a zone is taken as UTC with offset_known = false. A leap
// second 60 is clamped to 59.
//
// Returns INVALID_ARGUMENT naming the text (C-escaped and quoted, truncated
// to 80 bytes) when nothing fits, when the text is longer than
// kMaxFeedDateBytes, or when a field is out of range (month 13, day 32,
// Feb 30, hour 25, minute 60, second 61, offset minutes 60, offset beyond
// +-18:00); a range error names the field and the value.
absl::StatusOr<FeedDate> ParseFeedDate(absl::string_view text);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_INGEST_FEED_DATE_H_
