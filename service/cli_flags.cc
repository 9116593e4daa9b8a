#include "service/cli_flags.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/base/quote_input.h"

namespace newswire {
namespace {

// "--flag \"TEXT\" is out of range: MIN to MAX" (or "MIN or more").
absl::Status OutOfRange(absl::string_view flag, absl::string_view text, absl::string_view min,
                        absl::string_view max) {
  return absl::InvalidArgumentError(absl::StrCat(
      "--", flag, " ", QuoteInput(text), " is out of range: ", min,
      max.empty() ? " or more" : absl::StrCat(" to ", max)));
}

}  // namespace

absl::StatusOr<absl::Duration> ParseDurationFlag(absl::string_view flag, absl::string_view text,
                                                 absl::Duration min, absl::Duration max) {
  absl::Duration value;
  if (!absl::ParseDuration(text, &value)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", flag, " must be a duration such as 5s or 1m, got ", QuoteInput(text)));
  }
  if (value < min || value > max) {
    return OutOfRange(flag, text, absl::FormatDuration(min),
                      max == absl::InfiniteDuration() ? "" : absl::FormatDuration(max));
  }
  return value;
}

absl::StatusOr<uint64_t> ParseNumberFlag(absl::string_view flag, absl::string_view text,
                                         uint64_t min, uint64_t max) {
  uint64_t value = 0;
  if (!absl::SimpleAtoi(text, &value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, " must be a whole number, got ", QuoteInput(text)));
  }
  if (value < min || value > max) {
    return OutOfRange(flag, text, absl::StrCat(min),
                      max == std::numeric_limits<uint64_t>::max() ? "" : absl::StrCat(max));
  }
  return value;
}

}  // namespace newswire
