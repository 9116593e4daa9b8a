#include "core/base/event_log.h"

#include <algorithm>
#include <atomic>
#include <iostream>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "core/base/json_quote.h"
#include "core/model/article.h"  // Utf8SequenceLength.
#include "core/model/terminal_text.h"

namespace newswire {
namespace {

struct Sink {
  absl::Mutex mu;
  std::ostream* out ABSL_GUARDED_BY(mu) = &std::cerr;
  // Read without the lock: a look at the level costs an atomic load.
  std::atomic<LogFormat> format{LogFormat::kText};
  std::atomic<LogLevel> min_level{LogLevel::kWarning};
};

Sink& TheSink() {
  static Sink* const sink = new Sink();
  return *sink;
}

absl::string_view LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kError:
      return "error";
  }
  return "?";
}

// `text` cut to kMaxLogValueBytes, never inside a UTF-8 character, with
// "…" when cut, and made one safe line (TerminalSafe).
std::string Printable(absl::string_view text) {
  size_t cut = 0;
  while (cut < text.size()) {
    const size_t next = cut + std::max<size_t>(Utf8SequenceLength(text, cut), 1);
    if (next > kMaxLogValueBytes) break;
    cut = next;
  }
  std::string out = TerminalSafe(text.substr(0, cut), TextLines::kOne);
  if (cut < text.size()) out += "\xE2\x80\xA6";
  return out;
}

// A value in the text format: bare when it is one plain word.
std::string TextValue(const LogField& field) {
  const std::string& value = field.value();
  if (!field.quoted() ||
      (!value.empty() && value.find_first_of(" \"=\\") == std::string::npos)) {
    return value;
  }
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace

absl::StatusOr<LogLevel> ParseLogLevel(absl::string_view name) {
  for (LogLevel level : {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarning, LogLevel::kError}) {
    if (name == LevelName(level)) return level;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("must be debug, info, warning or error, not \"", Printable(name),
                   "\""));
}

absl::StatusOr<LogFormat> ParseLogFormat(absl::string_view name) {
  if (name == "text") return LogFormat::kText;
  if (name == "json") return LogFormat::kJson;
  return absl::InvalidArgumentError(
      absl::StrCat("must be text or json, not \"", Printable(name), "\""));
}

LogField::LogField(absl::string_view key, absl::string_view value)
    : key_(key), value_(Printable(value)), quoted_(true) {}

LogField::LogField(absl::string_view key, int64_t value)
    : key_(key), value_(absl::StrCat(value)), quoted_(false) {}

LogField::LogField(absl::string_view key, uint64_t value)
    : key_(key), value_(absl::StrCat(value)), quoted_(false) {}

LogField::LogField(absl::string_view key, absl::Duration value)
    : key_(key), value_(absl::StrFormat("%.3f", absl::ToDoubleSeconds(value))), quoted_(false) {}

LogField::LogField(absl::string_view key, const absl::Status& status)
    : key_(key), value_(absl::StatusCodeToString(status.code())), quoted_(true) {}

void ConfigureEventLog(std::ostream& out, LogFormat format, LogLevel min_level) {
  Sink& sink = TheSink();
  absl::MutexLock lock(&sink.mu);
  sink.out = &out;
  sink.format = format;
  sink.min_level = min_level;
}

bool EventLogEnabled(LogLevel level) { return level >= TheSink().min_level.load(); }

std::string EventLine(LogFormat format, absl::Time now, LogLevel level, absl::string_view event,
                      std::initializer_list<LogField> fields) {
  const std::string time = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", now, absl::UTCTimeZone());
  std::string line;
  if (format == LogFormat::kJson) {
    line = absl::StrCat("{\"time\":\"", time, "\",\"level\":\"", LevelName(level),
                        "\",\"event\":", JsonQuote(Printable(event)));
    for (const LogField& field : fields) {
      absl::StrAppend(&line, ",", JsonQuote(field.key()), ":",
                      field.quoted() ? JsonQuote(field.value()) : field.value());
    }
    line += "}";
    return line;
  }
  line = absl::StrCat(time, " ", LevelName(level), " ", Printable(event));
  for (const LogField& field : fields) {
    absl::StrAppend(&line, " ", field.key(), "=", TextValue(field));
  }
  return line;
}

void LogEvent(LogLevel level, absl::string_view event, std::initializer_list<LogField> fields) {
  if (!EventLogEnabled(level)) return;
  Sink& sink = TheSink();
  // Formatted outside the lock: writers wait only for each other's write.
  const std::string line = EventLine(sink.format.load(), absl::Now(), level, event, fields);
  absl::MutexLock lock(&sink.mu);
  *sink.out << line << '\n';
  sink.out->flush();
}

}  // namespace newswire
