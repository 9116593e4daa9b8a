#include "core/syndicate/feed_text.h"

#include "absl/strings/str_format.h"

namespace newswire {

std::string Json(absl::string_view text) {
  std::string out = "\"";
  out.reserve(text.size() + 16);
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          absl::StrAppendFormat(&out, "\\u%04x", static_cast<unsigned char>(c));
        } else {
          out.push_back(c);
        }
    }
  }
  out += "\"";
  return out;
}

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
