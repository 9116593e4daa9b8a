// Time zone abbreviations as feeds write them ("CEST", "JST", "AEST").
//
// Source: the abbreviations the IANA time zone database (tzdata) prints for
// zones in use today, plus the names still common in print for zones where
// tzdata now prints a number ("GST" for the Gulf, tzdata "+04"; "SGT",
// "BRT", "ICT", ...), as timeanddate.com lists them. Each entry names one
// IANA zone where it applies, and tests/core/zone_names_test.cc checks each
// offset against that zone in the system's tzdata.
//
// An abbreviation stands for a fixed offset: "CEST" is +02:00 whatever the
// date (a feed saying CEST in January says +02:00, and we take it at its
// word). Where one name has several readings, the table keeps the one news
// feeds mean most often:
//   CST  US Central (-06:00), as RFC 822 defines it; not China (+08:00).
//   IST  India (+05:30); not Irish Summer (+01:00) nor Israel (+02:00).
//   BST  British Summer (+01:00); not Bangladesh (+06:00).
//   AST  Atlantic (-04:00); not Arabia (+03:00).
//   GST  Gulf (+04:00); not South Georgia (-02:00).
//   SST  Samoa (-11:00), as tzdata; not Singapore (+08:00, "SGT" here).
//   EST  US Eastern (-05:00), as RFC 822; Australian Eastern is "AEST".
// Military single letters other than "Z" are not in the table: RFC 822
// defined them with the wrong sign, and RFC 1123 says to read them as an
// unknown offset. Names without a season ("ET", "PT") are not in it either:
// "ET" does not say whether it is EST or EDT.
#ifndef NEWSWIRE_CORE_INGEST_ZONE_NAMES_H_
#define NEWSWIRE_CORE_INGEST_ZONE_NAMES_H_

#include <optional>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace newswire {

struct ZoneAbbreviation {
  absl::string_view name;          // Uppercase: "CEST".
  int offset_minutes;              // East of UTC: +120.
  absl::string_view example_zone;  // An IANA zone that uses it: "Europe/Paris".
};

// Every abbreviation ZoneOffsetMinutes knows, in no particular order.
absl::Span<const ZoneAbbreviation> ZoneAbbreviations();

// The UTC offset, east positive, that the abbreviation `name` stands for,
// in any case ("cest", "CEST"); nullopt for a name not in the table.
std::optional<int> ZoneOffsetMinutes(absl::string_view name);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_INGEST_ZONE_NAMES_H_
