#include "core/store/readiness.h"

#include <optional>

#include "absl/strings/str_cat.h"

namespace newswire {

absl::Status Readiness(const Store& store, absl::Time now) {
  const std::optional<LogProgress> progress = store.Progress();
  if (!progress.has_value()) return absl::OkStatus();
  if (now - progress->head_seen_at > kReadyHeadAge) {
    return absl::UnavailableError(
        absl::StrCat("the log has not been reached for ",
                     absl::FormatDuration(absl::Trunc(now - progress->head_seen_at,
                                                      absl::Seconds(1))),
                     " (applied up to position ", progress->applied, ")"));
  }
  if (progress->head > progress->applied + kReadyLagPositions) {
    return absl::UnavailableError(absl::StrCat("applied the log up to position ",
                                               progress->applied, " of ", progress->head,
                                               ": more than ", kReadyLagPositions, " behind"));
  }
  return absl::OkStatus();
}

}  // namespace newswire
