// Reading the values of the command line's flags. Every error is
// INVALID_ARGUMENT naming the flag and quoting what was given, and tells a
// value of the wrong kind ("--heartbeat must be a duration such as 5s or
// 1m, got \"soon\"") from one out of range ("--heartbeat \"0s\" is out of
// range: 1s to 5m").
#ifndef NEWSWIRE_SERVICE_CLI_FLAGS_H_
#define NEWSWIRE_SERVICE_CLI_FLAGS_H_

#include <cstdint>
#include <limits>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace newswire {

// Parses `text`, the value of --`flag`, as a duration ("500ms", "5s",
// "1m30s"; absl::ParseDuration) within [min, max]; a max of
// absl::InfiniteDuration() means none ("1s or more").
absl::StatusOr<absl::Duration> ParseDurationFlag(absl::string_view flag, absl::string_view text,
                                                 absl::Duration min,
                                                 absl::Duration max = absl::InfiniteDuration());

// Parses `text`, the value of --`flag`, as a whole number within [min,
// max]; a max of the largest uint64_t means none ("1 or more").
absl::StatusOr<uint64_t> ParseNumberFlag(
    absl::string_view flag, absl::string_view text, uint64_t min,
    uint64_t max = std::numeric_limits<uint64_t>::max());

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_CLI_FLAGS_H_
