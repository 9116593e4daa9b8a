// The server's log: one line per event (a publish refused, a stream closed,
// a retention run, an error), as text or JSON:
//
//   2026-12-06T05:40:00.123Z info publish.refused code=INVALID_ARGUMENT
//     id="urn:x:1" peer=ipv4:127.0.0.1:5312 key=k_3f2a reason="headline: required"
//   {"time":"2026-12-06T05:40:00.123Z","level":"info","event":"publish.refused",
//    "code":"INVALID_ARGUMENT","id":"urn:x:1",...}
//
// (each one line). Events name what happened and to whom (ids, peers, key
// ids, codes, counts, durations), never an article's text or a secret:
// callers pass only such fields, and every value is cut to
// kMaxLogValueBytes with control characters and bytes that are not UTF-8
// escaped as the CLI escapes them (TerminalSafe, core/model/terminal_text.h),
// so a line stays one line of valid JSON whatever a client sent.
//
// One log per process, like stderr itself: events go to stderr, as text,
// from level warning up, until ConfigureEventLog says otherwise (`newswire
// serve` logs from info up, as --log-format and --log-level say).
#ifndef NEWSWIRE_CORE_BASE_EVENT_LOG_H_
#define NEWSWIRE_CORE_BASE_EVENT_LOG_H_

#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace newswire {

enum class LogLevel { kDebug, kInfo, kWarning, kError };
enum class LogFormat { kText, kJson };

// "debug", "info", "warning", "error"; INVALID_ARGUMENT "must be ..."
// naming the choices (for the caller to prefix with what it parsed).
absl::StatusOr<LogLevel> ParseLogLevel(absl::string_view name);
// "text", "json"; INVALID_ARGUMENT "must be text or json, not ...".
absl::StatusOr<LogFormat> ParseLogFormat(absl::string_view name);

// Bytes of a string value kept at most (then "…").
inline constexpr size_t kMaxLogValueBytes = 200;

// One field of an event: a name and a value, a number or a string.
class LogField {
 public:
  LogField(absl::string_view key, absl::string_view value);
  LogField(absl::string_view key, const char* value)
      : LogField(key, absl::string_view(value)) {}
  LogField(absl::string_view key, const std::string& value)
      : LogField(key, absl::string_view(value)) {}
  LogField(absl::string_view key, int64_t value);
  LogField(absl::string_view key, uint64_t value);
  LogField(absl::string_view key, int value) : LogField(key, int64_t{value}) {}
  // Seconds, to the millisecond.
  LogField(absl::string_view key, absl::Duration value);
  // A status: its code's name (the message goes in a field of its own).
  LogField(absl::string_view key, const absl::Status& status);

  absl::string_view key() const { return key_; }
  // The value as it is written: a number, or UTF-8 text (quoted on output).
  const std::string& value() const { return value_; }
  bool quoted() const { return quoted_; }

 private:
  absl::string_view key_;
  std::string value_;
  bool quoted_;
};

// Sends events at `min_level` and up to `out` (which must outlive its use,
// or until the next call), in `format`. Thread-safe.
void ConfigureEventLog(std::ostream& out, LogFormat format, LogLevel min_level);

// Whether an event at `level` would be written.
bool EventLogEnabled(LogLevel level);

// Writes one line: the time, `level`, `event` (a dotted name such as
// "stream.closed") and `fields`, in order. Thread-safe; whole lines only.
void LogEvent(LogLevel level, absl::string_view event, std::initializer_list<LogField> fields);

// The line LogEvent would write at `now`, without its newline.
std::string EventLine(LogFormat format, absl::Time now, LogLevel level, absl::string_view event,
                      std::initializer_list<LogField> fields);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_BASE_EVENT_LOG_H_
