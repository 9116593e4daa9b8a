#include "core/ingest/feed_date.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "core/base/quote_input.h"
#include "core/ingest/zone_names.h"

namespace newswire {
namespace {

// No IANA zone name is longer ("America/Argentina/ComodRivadavia" is 32).
constexpr size_t kMaxRegionNameBytes = 64;
// No zone is further than this from UTC (the widest in use is +14:00).
constexpr int kMaxOffsetMinutes = 18 * 60;

constexpr absl::string_view kNoBreakSpace = "\xC2\xA0";
constexpr absl::string_view kSpaces = " \t\n\v\f\r";
// RSS dates also break words at commas ("Mon,05 Jan"); ISO 8601 dates may
// not, since "," can stand for "." in fractional seconds.
constexpr absl::string_view kSpacesAndCommas = " \t\n\v\f\r,";

constexpr std::array<absl::string_view, 12> kMonthNames = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};
constexpr std::array<absl::string_view, 7> kWeekdayNames = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};

// A zone as the text states it. The numbers are as written, not yet checked.
struct Zone {
  bool known = false;  // False for "-0000" and for names we cannot place.
  int sign = 1;
  int hours = 0;
  int minutes = 0;
  std::string unplaced_name;  // The name, when it is one we cannot place.
  // An IANA zone ("Europe/Paris"): the offset is the one in effect at the
  // date, not `hours` and `minutes`.
  std::optional<absl::TimeZone> region;
};

enum class Meridiem { kNone, kAm, kPm };

// A date as the text states it, read but not yet checked. Every number is
// bounded by the digits it was read from, so none overflows, but any may be
// out of range.
struct Fields {
  int year = 0;
  int month = 1;
  int day = 1;
  int hour = 0;
  int minute = 0;
  int second = 0;
  int nanos = 0;
  Meridiem meridiem = Meridiem::kNone;
  bool has_clock = false;  // False for a date alone ("2004-01-05").
  std::optional<Zone> zone;
};

// ---------------------------------------------------------------------------
// Characters and numbers.

bool IsDigit(char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); }
bool IsLetter(char c) { return absl::ascii_isalpha(static_cast<unsigned char>(c)); }

size_t LeadingDigits(absl::string_view in) {
  return std::find_if_not(in.begin(), in.end(), IsDigit) - in.begin();
}

size_t LeadingLetters(absl::string_view in) {
  return std::find_if_not(in.begin(), in.end(), IsLetter) - in.begin();
}

bool HasDigit(absl::string_view word) {
  return std::any_of(word.begin(), word.end(), IsDigit);
}

// True if `word` opens with a time of day ("10:20", "1:02:03Z"), not with a
// year or a zone ("+05:30").
bool LooksLikeClock(absl::string_view word) {
  return LeadingDigits(word) > 0 && absl::StrContains(word, ':');
}

// Consumes the digits at the start of `in`, at most `max_digits` of them,
// into `value`. Returns false, consuming nothing, if there are fewer than
// `min_digits`. REQUIRES: max_digits <= 9, so that `value` cannot overflow.
bool ConsumeNumber(absl::string_view& in, size_t min_digits, size_t max_digits,
                   int& value) {
  const size_t n = std::min(LeadingDigits(in), max_digits);
  if (n < min_digits) return false;
  value = 0;
  for (char c : in.substr(0, n)) value = value * 10 + (c - '0');
  in.remove_prefix(n);
  return true;
}

// Reads `word` into `value` if it is all digits, between `min_digits` and
// `max_digits` of them. REQUIRES: max_digits <= 9.
bool WholeNumber(absl::string_view word, size_t min_digits, size_t max_digits,
                 int& value) {
  return LeadingDigits(word) == word.size() &&
         ConsumeNumber(word, min_digits, max_digits, value) && word.empty();
}

// Consumes the digits of a fraction of a second into `nanos`; digits past
// the ninth are consumed and dropped.
bool ConsumeFraction(absl::string_view& in, int& nanos) {
  const size_t n = LeadingDigits(in);
  if (n == 0) return false;
  nanos = 0;
  for (size_t i = 0; i < 9; ++i) nanos = nanos * 10 + (i < n ? in[i] - '0' : 0);
  in.remove_prefix(n);
  return true;
}

// ---------------------------------------------------------------------------
// Words.

// `text` with its parenthesised comments (nested, or left open to the end)
// and no-break spaces turned into spaces. A stray ")" is kept.
std::string Uncommented(absl::string_view text) {
  std::string out = absl::StrReplaceAll(text, {{kNoBreakSpace, " "}});
  size_t depth = 0;
  for (char& c : out) {
    if (c == '(') {
      ++depth;
    } else if (c == ')' && depth > 0) {
      --depth;
    } else if (depth == 0) {
      continue;
    }
    c = ' ';
  }
  return out;
}

// Index in `names` of the name `word` stands for, or -1. A word stands for a
// name when it is, in any case, the name or its first three or more letters,
// with or without a final ".".
int NameIndex(absl::string_view word, absl::Span<const absl::string_view> names) {
  absl::ConsumeSuffix(&word, ".");
  if (word.size() < 3) return -1;
  for (size_t i = 0; i < names.size(); ++i) {
    if (absl::StartsWithIgnoreCase(names[i], word)) return static_cast<int>(i);
  }
  return -1;
}

bool IsWeekday(absl::string_view word) { return NameIndex(word, kWeekdayNames) >= 0; }

// Reads a month name into `month` (1-12).
bool MonthNumber(absl::string_view word, int& month) {
  const int index = NameIndex(word, kMonthNames);
  if (index < 0) return false;
  month = index + 1;
  return true;
}

// Splits an RFC 850 date ("05-Jan-04") into its three words; returns any
// other word alone.
std::vector<absl::string_view> Rfc850Parts(absl::string_view word) {
  std::vector<absl::string_view> parts = absl::StrSplit(word, '-');
  int day = 0;
  int month = 0;
  if (parts.size() == 3 && WholeNumber(parts[0], 1, 2, day) &&
      MonthNumber(parts[1], month) && !parts[2].empty()) {
    return parts;
  }
  return {word};
}

// Reads the words of a date front to back. A word may be read in parts:
// after a time or a date, what is left of its word ("Z" in "10:20Z") is read
// next, as a glued word.
class WordReader {
 public:
  explicit WordReader(std::vector<absl::string_view> words) : words_(std::move(words)) {}

  bool AtEnd() const { return next_ >= words_.size(); }
  // The word `ahead` words on, or "" past the end.
  absl::string_view Peek(size_t ahead = 0) const {
    return next_ + ahead < words_.size() ? words_[next_ + ahead] : absl::string_view();
  }
  // True if the current word is the rest of one partly read.
  bool glued() const { return glued_; }

  void Next() {
    ++next_;
    glued_ = false;
  }
  // Makes `rest`, the unread end of the current word, the current word; moves
  // on to the next word if nothing is left.
  void Continue(absl::string_view rest) {
    if (rest.empty()) {
      Next();
    } else {
      words_[next_] = rest;
      glued_ = true;
    }
  }

 private:
  std::vector<absl::string_view> words_;
  size_t next_ = 0;
  bool glued_ = false;
};

// ---------------------------------------------------------------------------
// Parts shared by both families.

// Consumes a time of day: "h:mm", "h:mm:ss", or ISO 8601 basic "hhmm",
// "hhmmss"; seconds may carry a fraction after "." or ",".
bool ConsumeClock(absl::string_view& in, Fields& f) {
  if (!ConsumeNumber(in, 1, 2, f.hour)) return false;
  f.has_clock = true;
  const bool extended = absl::ConsumePrefix(&in, ":");
  if (!ConsumeNumber(in, 2, 2, f.minute)) return false;
  const bool has_seconds =
      extended ? absl::ConsumePrefix(&in, ":") : LeadingDigits(in) > 0;
  if (!has_seconds) return true;
  if (!ConsumeNumber(in, 2, 2, f.second)) return false;
  if (absl::ConsumePrefix(&in, ".") || absl::ConsumePrefix(&in, ",")) {
    return ConsumeFraction(in, f.nanos);
  }
  return true;
}

// Reads the clock at the reader, leaving any glued rest ("Z", "pm") current.
bool ReadClock(WordReader& r, Fields& f) {
  absl::string_view word = r.Peek();
  if (!ConsumeClock(word, f)) return false;
  r.Continue(word);
  return true;
}

// Reads "AM", "PM", "a.m." or "p.m." (any case) at the reader, if there.
void ReadMeridiem(WordReader& r, Fields& f) {
  if (r.Peek().size() > 4) return;
  const std::string letters =
      absl::StrReplaceAll(absl::AsciiStrToLower(r.Peek()), {{".", ""}});
  if (letters != "am" && letters != "pm") return;
  f.meridiem = letters == "am" ? Meridiem::kAm : Meridiem::kPm;
  r.Next();
}

// Reads a numeric offset: a sign, then "h", "hh", "hhmm", "h:mm" or "hh:mm".
std::optional<Zone> ParseNumericOffset(absl::string_view word) {
  Zone zone;
  if (absl::ConsumePrefix(&word, "-")) {
    zone.sign = -1;
  } else if (!absl::ConsumePrefix(&word, "+")) {
    return std::nullopt;
  }
  zone.known = true;
  if (LeadingDigits(word) == 4) {
    ConsumeNumber(word, 2, 2, zone.hours);
    ConsumeNumber(word, 2, 2, zone.minutes);
  } else if (LeadingDigits(word) <= 2 && ConsumeNumber(word, 1, 2, zone.hours)) {
    if (absl::ConsumePrefix(&word, ":") && !ConsumeNumber(word, 2, 2, zone.minutes)) {
      return std::nullopt;
    }
  } else {
    return std::nullopt;
  }
  if (!word.empty()) return std::nullopt;
  return zone;
}

bool IsUtcName(absl::string_view name) {
  return absl::EqualsIgnoreCase(name, "ut") || absl::EqualsIgnoreCase(name, "utc") ||
         absl::EqualsIgnoreCase(name, "gmt");
}

// True if `word` can be an IANA zone name ("Europe/Paris",
// "America/Argentina/Buenos_Aires", "Etc/GMT-3"): parts of letters, digits,
// '_', '-' and '+', each opening with a letter, joined by '/'.
bool IsRegionName(absl::string_view word) {
  if (word.size() > kMaxRegionNameBytes || !absl::StrContains(word, '/')) return false;
  for (absl::string_view part : absl::StrSplit(word, '/')) {
    if (part.empty() || !IsLetter(part[0])) return false;
    for (char c : part) {
      if (!IsLetter(c) && !IsDigit(c) && c != '_' && c != '-' && c != '+') return false;
    }
  }
  return true;
}

// The IANA zone `name` names, if this machine's tzdata has it. Only names of
// files there are handed to absl, which keeps every name it is asked for.
std::optional<absl::TimeZone> LoadRegion(absl::string_view name) {
  const char* tzdir = std::getenv("TZDIR");
  const std::string path =
      absl::StrCat(tzdir != nullptr ? tzdir : "/usr/share/zoneinfo", "/", name);
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) return std::nullopt;
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(std::string(name), &zone)) return std::nullopt;
  return zone;
}

// Reads a zone written as one word. A word of letters that names no zone we
// know is a zone of unknown offset when `allow_unplaced`, else not a zone.
std::optional<Zone> ParseZone(absl::string_view word, bool allow_unplaced) {
  if (absl::StartsWith(word, "+") || absl::StartsWith(word, "-")) {
    std::optional<Zone> zone = ParseNumericOffset(word);
    // RFC 2822 and RFC 3339: "-0000" states that the offset is unknown.
    if (zone && zone->sign < 0 && zone->hours == 0 && zone->minutes == 0) {
      zone->known = false;
    }
    return zone;
  }
  const absl::string_view name = word.substr(0, LeadingLetters(word));
  const absl::string_view offset = word.substr(name.size());
  if (name.empty()) return std::nullopt;
  if (!offset.empty()) {
    // "GMT+2", "UTC-05:00".
    if (IsUtcName(name)) return ParseNumericOffset(offset);
    if (!allow_unplaced || !IsRegionName(word)) return std::nullopt;
    Zone zone;
    zone.region = LoadRegion(word);
    zone.known = zone.region.has_value();
    if (!zone.known) zone.unplaced_name = std::string(word);
    return zone;
  }
  if (const std::optional<int> minutes = ZoneOffsetMinutes(name)) {
    Zone zone;
    zone.known = true;
    zone.sign = *minutes < 0 ? -1 : 1;
    zone.hours = std::abs(*minutes) / 60;
    zone.minutes = std::abs(*minutes) % 60;
    return zone;
  }
  if (!allow_unplaced) return std::nullopt;
  Zone zone;
  zone.unplaced_name = std::string(name);
  return zone;
}

// Reads the zone at the reader, if there is one. A glued word must be a zone
// we know ("Z" in "10:20Z", but not "Zulu"). Returns false when what is
// there cannot follow a time.
bool ReadZone(WordReader& r, Fields& f) {
  if (r.AtEnd()) return true;
  const absl::string_view word = r.Peek();
  const std::optional<Zone> zone = ParseZone(word, /*allow_unplaced=*/!r.glued());
  if (!zone.has_value()) return !r.glued();
  f.zone = zone;
  r.Next();
  // "GMT +0100": the offset from GMT as a word of its own.
  if (IsUtcName(word)) {
    if (std::optional<Zone> offset = ParseNumericOffset(r.Peek())) {
      f.zone = offset;
      r.Next();
    }
  }
  return true;
}

// Reads a year of 2, 3 or 4 digits, the short ones as RFC 2822 says.
bool ReadYear(WordReader& r, Fields& f) {
  if (r.glued() || !WholeNumber(r.Peek(), 2, 4, f.year)) return false;
  switch (r.Peek().size()) {
    case 2:
      f.year += f.year < 50 ? 2000 : 1900;
      break;
    case 3:
      f.year += 1900;
      break;
  }
  r.Next();
  return true;
}

// Skips the words left, which must be free of digits: names and comments
// feeds add after the zone ("Coordinated Universal Time").
bool SkipTrailingWords(WordReader& r) {
  if (r.glued()) return false;
  for (; !r.AtEnd(); r.Next()) {
    if (HasDigit(r.Peek())) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------
// The two families.

// RSS: RFC 822 and its relatives and corruptions. `text` is uncommented.
std::optional<Fields> ReadRfc822(absl::string_view text) {
  std::vector<absl::string_view> words;
  for (absl::string_view word :
       absl::StrSplit(text, absl::ByAnyChar(kSpacesAndCommas), absl::SkipEmpty())) {
    for (absl::string_view part : Rfc850Parts(word)) words.push_back(part);
  }
  WordReader r(std::move(words));
  Fields f;
  // The weekday, in English or, before a day number, any word of letters
  // that is no month: "mer, 16 nov 2022" (Italian).
  int unused_month = 0;
  const absl::string_view first = r.Peek();
  if (IsWeekday(first) ||
      (!first.empty() && LeadingLetters(first) == first.size() &&
       !MonthNumber(first, unused_month) && LeadingDigits(r.Peek(1)) > 0)) {
    r.Next();
  }
  // Day and month, in either order.
  if (WholeNumber(r.Peek(), 1, 2, f.day) && MonthNumber(r.Peek(1), f.month)) {
    r.Next();
    r.Next();
  } else if (MonthNumber(r.Peek(), f.month) && WholeNumber(r.Peek(1), 1, 2, f.day)) {
    r.Next();
    r.Next();
  } else {
    return std::nullopt;
  }
  if (ReadYear(r, f)) {
    if (LooksLikeClock(r.Peek())) {
      if (!ReadClock(r, f)) return std::nullopt;
      ReadMeridiem(r, f);
    }
    if (!ReadZone(r, f)) return std::nullopt;
  } else {
    // asctime and date(1): the year follows the time, or the time and the
    // zone; a zone may also follow the year.
    if (!LooksLikeClock(r.Peek()) || !ReadClock(r, f)) return std::nullopt;
    ReadMeridiem(r, f);
    if (!ReadZone(r, f) || !ReadYear(r, f)) return std::nullopt;
    if (!f.zone.has_value() && !ReadZone(r, f)) return std::nullopt;
  }
  if (!SkipTrailingWords(r)) return std::nullopt;
  return f;
}

// Atom and the rest: ISO 8601 and its profiles. `text` is uncommented.
std::optional<Fields> ReadIso8601(absl::string_view text) {
  WordReader r(absl::StrSplit(text, absl::ByAnyChar(kSpaces), absl::SkipEmpty()));
  Fields f;
  absl::string_view word = r.Peek();
  bool full_date = false;
  if (LeadingDigits(word) == 8) {  // Basic format: "20040105".
    ConsumeNumber(word, 4, 4, f.year);
    ConsumeNumber(word, 2, 2, f.month);
    ConsumeNumber(word, 2, 2, f.day);
    full_date = true;
  } else if (LeadingDigits(word) == 4) {
    ConsumeNumber(word, 4, 4, f.year);
    if (absl::ConsumePrefix(&word, "-")) {
      if (!ConsumeNumber(word, 1, 2, f.month)) return std::nullopt;
      if (absl::ConsumePrefix(&word, "-")) {
        if (!ConsumeNumber(word, 1, 2, f.day)) return std::nullopt;
        full_date = true;
      }
    }
  } else {
    return std::nullopt;
  }
  if (full_date && (absl::ConsumePrefix(&word, "T") || absl::ConsumePrefix(&word, "t"))) {
    if (!ConsumeClock(word, f)) return std::nullopt;
    r.Continue(word);
    ReadMeridiem(r, f);
  } else if (full_date && word.empty() && LooksLikeClock(r.Peek(1))) {
    // "2004-01-05 10:20:00": a space for the "T".
    r.Next();
    if (!ReadClock(r, f)) return std::nullopt;
    ReadMeridiem(r, f);
  } else {
    r.Continue(word);
  }
  if (!ReadZone(r, f) || !SkipTrailingWords(r)) return std::nullopt;
  return f;
}

// ---------------------------------------------------------------------------
// Checks and errors.

absl::Status OutOfRange(absl::string_view field, absl::string_view value,
                        absl::string_view text) {
  return absl::InvalidArgumentError(
      absl::StrCat(field, " ", value, " out of range in date ", QuoteInput(text)));
}

absl::Status OutOfRange(absl::string_view field, int value, absl::string_view text) {
  return OutOfRange(field, absl::StrCat(value), text);
}

// Why the clock time `f` states was read as UTC, if it was for want of a
// zone: see FeedDate::offset_note.
std::string OffsetNote(const Fields& f) {
  if (!f.has_clock) return "";
  if (!f.zone.has_value()) return "no time zone given: the clock time is read as UTC";
  const std::string& name = f.zone->unplaced_name;
  if (name.empty()) return "";  // Placed, or "-0000": unknown on purpose.
  if (name.size() == 1) {
    return absl::StrCat("military zone letter \"", name,
                        "\" is read as an unknown offset (RFC 1123): the clock time is "
                        "read as UTC");
  }
  return absl::StrCat("unknown time zone ", QuoteInput(name),
                      ": the clock time is read as UTC");
}

// Checks the fields `text` stated and turns them into a FeedDate.
absl::StatusOr<FeedDate> ToFeedDate(Fields f, absl::string_view text) {
  if (f.month < 1 || f.month > 12) return OutOfRange("month", f.month, text);
  // CivilDay normalizes "Feb 30" to "Mar 1", which shows the day is wrong.
  if (f.day < 1 || absl::CivilDay(f.year, f.month, f.day).day() != f.day) {
    return OutOfRange("day", f.day, text);
  }
  if (f.meridiem != Meridiem::kNone) {
    if (f.hour < 1 || f.hour > 12) return OutOfRange("hour", f.hour, text);
    f.hour = f.hour % 12 + (f.meridiem == Meridiem::kPm ? 12 : 0);
  }
  const bool end_of_day = f.hour == 24 && f.minute == 0 && f.second == 0 && f.nanos == 0;
  if (f.hour > 23 && !end_of_day) return OutOfRange("hour", f.hour, text);
  if (f.minute > 59) return OutOfRange("minute", f.minute, text);
  if (f.second > 60) return OutOfRange("second", f.second, text);
  if (f.second == 60) f.second = 59;  // A leap second; absl::Time has none.

  FeedDate date;
  const absl::CivilSecond civil(f.year, f.month, f.day, f.hour, f.minute, f.second);
  if (f.zone.has_value() && f.zone->region.has_value()) {
    // A wall time that a change of offset skips or repeats reads with the
    // offset before the change.
    const absl::TimeZone& region = *f.zone->region;
    const absl::Time at = region.At(civil).pre;
    date.time = at + absl::Nanoseconds(f.nanos);
    date.offset_minutes = region.At(at).offset / 60;
    date.offset_known = true;
    return date;
  }
  if (f.zone.has_value()) {
    const Zone& zone = *f.zone;
    const int minutes = zone.hours * 60 + zone.minutes;
    if (zone.minutes > 59 || minutes > kMaxOffsetMinutes) {
      return OutOfRange(
          "offset",
          absl::StrCat(zone.sign < 0 ? "-" : "+", absl::Dec(zone.hours, absl::kZeroPad2),
                       ":", absl::Dec(zone.minutes, absl::kZeroPad2)),
          text);
    }
    date.offset_known = zone.known;
    if (zone.known) date.offset_minutes = zone.sign * minutes;
  }
  date.offset_note = OffsetNote(f);
  // Hour 24 is normalized to midnight of the next day.
  date.time = absl::FromCivil(civil, absl::UTCTimeZone()) + absl::Nanoseconds(f.nanos) -
              absl::Minutes(date.offset_minutes);
  return date;
}

// `text` without the spaces, ASCII or no-break, at either end.
absl::string_view Trimmed(absl::string_view text) {
  while (true) {
    const size_t size = text.size();
    text = absl::StripAsciiWhitespace(text);
    absl::ConsumePrefix(&text, kNoBreakSpace);
    absl::ConsumeSuffix(&text, kNoBreakSpace);
    if (text.size() == size) return text;
  }
}

}  // namespace

absl::StatusOr<FeedDate> ParseFeedDate(absl::string_view text) {
  text = Trimmed(text);
  if (text.size() > kMaxFeedDateBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("date longer than ", kMaxFeedDateBytes, " bytes: ", QuoteInput(text)));
  }
  const std::string uncommented = Uncommented(text);
  // Only ISO 8601 opens with a 4-digit year (or an 8-digit date).
  const std::optional<Fields> fields =
      LeadingDigits(absl::StripLeadingAsciiWhitespace(uncommented)) >= 4
          ? ReadIso8601(uncommented)
          : ReadRfc822(uncommented);
  if (!fields.has_value()) {
    return absl::InvalidArgumentError(absl::StrCat("unrecognized date ", QuoteInput(text)));
  }
  return ToFeedDate(*fields, text);
}

}  // namespace newswire
