#include "service/http_access_log.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/base/json_quote.h"

namespace newswire {
namespace {

// A part of the request line as it may appear in a log: bytes outside
// printable ASCII percent-encoded, so the line stays valid JSON and one
// line, whatever the client sent.
std::string Printable(absl::string_view text, size_t limit = 2048) {
  std::string out;
  for (unsigned char c : text.substr(0, limit)) {
    if (c < 0x20 || c >= 0x7f) {
      absl::StrAppendFormat(&out, "%%%02X", c);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  if (text.size() > limit) out += "…";
  return JsonQuote(out);
}

}  // namespace

std::string AccessLogLine(const HttpExchange& exchange, absl::Time now) {
  const HttpRequest& request = *exchange.request;
  return absl::StrCat(
      "{\"time\":\"", absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", now, absl::UTCTimeZone()),
      "\",\"peer\":", Printable(request.peer), ",\"method\":", Printable(request.method),
      ",\"path\":", Printable(request.path), ",\"query\":", Printable(request.query),
      ",\"status\":", exchange.status, ",\"bytes\":", exchange.body_bytes, ",\"ms\":",
      absl::StrFormat("%.3f", absl::ToDoubleMilliseconds(exchange.duration)),
      ",\"stream\":", exchange.streamed ? "true" : "false",
      ",\"user_agent\":", Printable(request.Header("user-agent"), 256), "}");
}

void AccessLog::Write(const HttpExchange& exchange) {
  const std::string line = AccessLogLine(exchange, absl::Now());
  absl::MutexLock lock(&mu_);
  out_ << line << '\n';
  out_.flush();
}

}  // namespace newswire
