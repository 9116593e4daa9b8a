#include "core/syndicate/feed_text.h"

#include "absl/strings/str_format.h"

namespace newswire {

std::string Rfc3339(absl::Time time, int offset_minutes) {
  const absl::TimeZone zone = absl::FixedTimeZone(offset_minutes * 60);
  return absl::FormatTime(
      offset_minutes == 0 ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%dT%H:%M:%S%Ez", time, zone);
}

absl::Time FirstCreated(const Article& a) {
  return FromProtoTime(a.has_first_created() ? a.first_created() : a.version_created());
}

absl::Time VersionCreated(const Article& a) {
  return FromProtoTime(a.has_version_created() ? a.version_created() : a.first_created());
}

}  // namespace newswire
