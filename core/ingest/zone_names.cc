#include "core/ingest/zone_names.h"

#include <array>

#include "absl/strings/match.h"

namespace newswire {
namespace {

constexpr int H = 60;  // Minutes in an hour, to keep the table readable.

constexpr std::array<ZoneAbbreviation, 71> kZones = {{
    // UTC and its names.
    {"UT", 0, "Etc/UTC"},
    {"UTC", 0, "Etc/UTC"},
    {"GMT", 0, "Europe/London"},
    {"Z", 0, "Etc/UTC"},
    // Europe.
    {"WET", 0, "Europe/Lisbon"},
    {"WEST", 1 * H, "Europe/Lisbon"},
    {"BST", 1 * H, "Europe/London"},
    {"CET", 1 * H, "Europe/Paris"},
    {"CEST", 2 * H, "Europe/Paris"},
    {"MET", 1 * H, "MET"},
    {"MEST", 2 * H, "MET"},
    {"EET", 2 * H, "Europe/Athens"},
    {"EEST", 3 * H, "Europe/Athens"},
    {"MSK", 3 * H, "Europe/Moscow"},
    {"TRT", 3 * H, "Europe/Istanbul"},
    // Africa and the Middle East.
    {"WAT", 1 * H, "Africa/Lagos"},
    {"CAT", 2 * H, "Africa/Maputo"},
    {"SAST", 2 * H, "Africa/Johannesburg"},
    {"EAT", 3 * H, "Africa/Nairobi"},
    {"IDT", 3 * H, "Asia/Jerusalem"},
    {"IRST", 3 * H + 30, "Asia/Tehran"},
    {"GST", 4 * H, "Asia/Dubai"},
    {"AFT", 4 * H + 30, "Asia/Kabul"},
    // Asia.
    {"PKT", 5 * H, "Asia/Karachi"},
    {"IST", 5 * H + 30, "Asia/Kolkata"},
    {"NPT", 5 * H + 45, "Asia/Kathmandu"},
    {"ICT", 7 * H, "Asia/Bangkok"},
    {"WIB", 7 * H, "Asia/Jakarta"},
    {"WITA", 8 * H, "Asia/Makassar"},
    {"HKT", 8 * H, "Asia/Hong_Kong"},
    {"SGT", 8 * H, "Asia/Singapore"},
    {"MYT", 8 * H, "Asia/Kuala_Lumpur"},
    {"PHT", 8 * H, "Asia/Manila"},
    {"AWST", 8 * H, "Australia/Perth"},
    {"WIT", 9 * H, "Asia/Jayapura"},
    {"JST", 9 * H, "Asia/Tokyo"},
    {"KST", 9 * H, "Asia/Seoul"},
    // Australia and the Pacific.
    {"ACST", 9 * H + 30, "Australia/Darwin"},
    {"ACDT", 10 * H + 30, "Australia/Adelaide"},
    {"AEST", 10 * H, "Australia/Brisbane"},
    {"AEDT", 11 * H, "Australia/Sydney"},
    {"CHST", 10 * H, "Pacific/Guam"},
    {"NZST", 12 * H, "Pacific/Auckland"},
    {"NZDT", 13 * H, "Pacific/Auckland"},
    {"SST", -11 * H, "Pacific/Pago_Pago"},
    {"HST", -10 * H, "Pacific/Honolulu"},
    // North America.
    {"AKST", -9 * H, "America/Anchorage"},
    {"AKDT", -8 * H, "America/Anchorage"},
    {"PST", -8 * H, "America/Los_Angeles"},
    {"PDT", -7 * H, "America/Los_Angeles"},
    {"MST", -7 * H, "America/Denver"},
    {"MDT", -6 * H, "America/Denver"},
    {"CST", -6 * H, "America/Chicago"},
    {"CDT", -5 * H, "America/Chicago"},
    {"EST", -5 * H, "America/New_York"},
    {"EDT", -4 * H, "America/New_York"},
    {"AST", -4 * H, "America/Halifax"},
    {"ADT", -3 * H, "America/Halifax"},
    {"NST", -3 * H - 30, "America/St_Johns"},
    {"NDT", -2 * H - 30, "America/St_Johns"},
    // South America.
    {"COT", -5 * H, "America/Bogota"},
    {"PET", -5 * H, "America/Lima"},
    {"VET", -4 * H, "America/Caracas"},
    {"CLT", -4 * H, "America/Santiago"},
    {"CLST", -3 * H, "America/Santiago"},
    {"BRT", -3 * H, "America/Sao_Paulo"},
    {"ART", -3 * H, "America/Argentina/Buenos_Aires"},
    {"UYT", -3 * H, "America/Montevideo"},
    // Russia beyond Moscow, where news is often dated.
    {"YEKT", 5 * H, "Asia/Yekaterinburg"},
    {"VLAT", 10 * H, "Asia/Vladivostok"},
    {"SAMT", 4 * H, "Europe/Samara"},
}};

}  // namespace

absl::Span<const ZoneAbbreviation> ZoneAbbreviations() { return kZones; }

std::optional<int> ZoneOffsetMinutes(absl::string_view name) {
  for (const ZoneAbbreviation& zone : kZones) {
    if (absl::EqualsIgnoreCase(zone.name, name)) return zone.offset_minutes;
  }
  return std::nullopt;
}

}  // namespace newswire
