// Fuzzes ParseFeedDate (core/ingest/feed_date.h) on any bytes: it returns a
// date or INVALID_ARGUMENT, never crashes, and a date it returns is a
// finite instant whose offset is within +-18:00 (0 when unknown), which
// reads back as the same instant (and offset) when written in RFC 3339.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "core/ingest/feed_date.h"
#include "fuzz/fuzz_check.h"

namespace {

// `date` in RFC 3339 with nanoseconds, at its own offset ("Z" when the
// offset is unknown); empty when the local year has no four-digit form.
std::string Rfc3339(const newswire::FeedDate& date) {
  const absl::TimeZone zone = absl::FixedTimeZone(date.offset_minutes * 60);
  const absl::CivilSecond civil = absl::ToCivilSecond(date.time, zone);
  if (civil.year() < 0 || civil.year() > 9999) return "";
  const int64_t nanos =
      absl::ToInt64Nanoseconds(date.time - absl::FromCivil(civil, zone));
  std::string text =
      absl::StrFormat("%04d-%02d-%02dT%02d:%02d:%02d.%09d", civil.year(), civil.month(),
                      civil.day(), civil.hour(), civil.minute(), civil.second(), nanos);
  if (!date.offset_known) return absl::StrCat(text, "Z");
  const int offset = std::abs(date.offset_minutes);
  return absl::StrCat(text,
                      absl::StrFormat("%c%02d:%02d", date.offset_minutes < 0 ? '-' : '+',
                                      offset / 60, offset % 60));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  const absl::StatusOr<newswire::FeedDate> date = newswire::ParseFeedDate(text);
  if (!date.ok()) {
    newswire::fuzz::CheckError(date.status());
    return 0;
  }
  NEWSWIRE_FUZZ_CHECK(
      date->time != absl::InfinitePast() && date->time != absl::InfiniteFuture(), text);
  NEWSWIRE_FUZZ_CHECK(date->offset_minutes >= -18 * 60 && date->offset_minutes <= 18 * 60,
                      text);
  NEWSWIRE_FUZZ_CHECK(date->offset_known || date->offset_minutes == 0, text);

  const std::string written = Rfc3339(*date);
  if (written.empty()) return 0;
  const absl::StatusOr<newswire::FeedDate> again = newswire::ParseFeedDate(written);
  NEWSWIRE_FUZZ_CHECK(again.ok(), absl::StrCat(written, " from ", text));
  NEWSWIRE_FUZZ_CHECK(again->time == date->time, absl::StrCat(written, " from ", text));
  NEWSWIRE_FUZZ_CHECK(
      !date->offset_known || again->offset_minutes == date->offset_minutes,
      absl::StrCat(written, " from ", text));
  return 0;
}
