// JetStreamLog: the replicated log newswire scales out on, one NATS
// JetStream stream (libnats).
//
// The stream (JetStreamOptions::stream, "NEWSWIRE") takes the subjects
// "nw.>" (JetStreamOptions::subjects), keeps messages in files on
// `replicas` servers, forbids deletes and purges, and has no size or age
// limit. A message's stream sequence is the same on every replica, so it is
// the feed's sequence.
//
// Appends are conditional and idempotent: with `expect_empty_subject` an
// append is refused when its subject already holds a message, which makes
// "the first of racing publishes of a version wins" a rule of the log;
// with a `message_id`, the same append retried is stored once and answered
// with the first one's sequence, marked duplicate (inside the stream's
// duplicate window by JetStream; after it, with `expect_empty_subject`, by
// comparing with the id stored on the subject). An append that cannot reach a
// stream leader (an election, a restarting server) is retried with the
// same message id until `retry_timeout`: elections take 5-8 s here.
//
// Thread-safe.
#ifndef NEWSWIRE_CORE_STORE_JETSTREAM_LOG_H_
#define NEWSWIRE_CORE_STORE_JETSTREAM_LOG_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

struct __natsConnection;
struct __jsCtx;
struct __natsSubscription;

namespace newswire {

struct JetStreamOptions {
  // Server URLs, e.g. {"nats://127.0.0.1:4222", ...}: any one is enough to
  // connect; the client follows the cluster from there.
  std::vector<std::string> servers;
  std::string stream = "NEWSWIRE";
  // What the stream takes: one wildcard subject newswire owns.
  std::string subjects = "nw.>";
  // Servers that store each message. Applies when the stream is created;
  // an existing stream keeps its own.
  int replicas = 1;
  // How long the stream remembers message ids (JetStream's default: 2 min).
  absl::Duration duplicate_window = absl::Minutes(2);
  // Messages kept per subject, the newest (older ones are dropped as newer
  // come: the stream holds the latest value of each subject, as a key-value
  // bucket does); 0 keeps every message. An existing stream must match.
  int64_t max_messages_per_subject = 0;
  // How long every request (Open, Append, reads, stream info) keeps
  // retrying while no leader answers.
  absl::Duration retry_timeout = absl::Seconds(30);
};

// Another stream on the servers of `log` (its servers, copies and
// timeouts): `stream`, taking `subjects`, keeping `max_messages_per_subject`
// per subject (0: every message).
JetStreamOptions StreamBeside(const JetStreamOptions& log, std::string stream,
                              std::string subjects, int64_t max_messages_per_subject = 0);

// What to append.
struct LogAppend {
  std::string subject;
  std::string data;
  // Headers, in order (e.g. {kIdHeader, id}); one with an empty value is
  // left out (LogMessage::Header reads it back as empty).
  std::vector<std::pair<std::string, std::string>> headers;
  // Idempotency key (Nats-Msg-Id); none when empty.
  std::string message_id;
  // Refuse (FAILED_PRECONDITION) when `subject` already holds a message.
  bool expect_empty_subject = false;
};

struct LogAppended {
  uint64_t sequence = 0;
  // The stream already had this message id: `sequence` is the first one's.
  bool duplicate = false;
};

// A message read from the log.
struct LogMessage {
  uint64_t sequence = 0;
  // When the stream stored it (the leader's clock): the same on every
  // replica, so time-dependent decisions made from it agree.
  absl::Time time;
  std::string subject;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string data;
  // From a reader: messages the stream held after this one when it was
  // delivered (so the stream's last position was sequence + pending).
  uint64_t pending = 0;

  // The value of header `name`, or empty.
  std::string Header(absl::string_view name) const;
};

class LogReader;

class JetStreamLog {
 public:
  // Connects and creates the stream if it does not exist (or checks that
  // the existing one takes nw.> and denies deletes and purges). UNAVAILABLE
  // if no server answered within `retry_timeout`; FAILED_PRECONDITION if
  // the stream exists with another configuration.
  static absl::StatusOr<std::unique_ptr<JetStreamLog>> Open(const JetStreamOptions& options);
  ~JetStreamLog();
  JetStreamLog(const JetStreamLog&) = delete;
  JetStreamLog& operator=(const JetStreamLog&) = delete;

  // Appends one message. FAILED_PRECONDITION when `expect_empty_subject`
  // and the subject holds another message; UNAVAILABLE when no leader took it
  // within `retry_timeout` (it may still have been stored: retry with the
  // same message id to find out). Retries for `retry_for` (default: the
  // options' retry_timeout).
  absl::StatusOr<LogAppended> Append(const LogAppend& append,
                                     std::optional<absl::Duration> retry_for = std::nullopt);

  // The last sequence the stream holds (0 when empty), and the first.
  struct Bounds {
    uint64_t first = 0;
    uint64_t last = 0;
  };
  // Retries as every request does, for `retry_for` (default: the options'
  // retry_timeout).
  absl::StatusOr<Bounds> GetBounds(std::optional<absl::Duration> retry_for = std::nullopt);

  // The name of the server that leads the stream now (the one that orders
  // appends), e.g. "n0".
  absl::StatusOr<std::string> Leader();

  // The message stored on `subject`, or nullopt.
  absl::StatusOr<std::optional<LogMessage>> LastOnSubject(absl::string_view subject);

  // Reads every message from sequence `from` (at least 1) on, in order,
  // following the stream as it grows (an ordered consumer: it rebuilds
  // itself after a gap or a lost server, and never skips or repeats).
  absl::StatusOr<std::unique_ptr<LogReader>> ReadFrom(uint64_t from);

  // Reads from sequence `from` (at least 1) until `last` has been read,
  // handing each message to `each` in order (with those that came in the
  // same batch after `last`) and stopping early when it returns false.
  // UNAVAILABLE, saying how far it got, when they did not all come within
  // retry_timeout.
  absl::Status ReadThrough(uint64_t from, uint64_t last,
                           absl::FunctionRef<bool(const LogMessage&)> each);
  // ReadThrough to the last message the stream holds now, every message.
  absl::Status ReadToLast(uint64_t from, absl::FunctionRef<void(const LogMessage&)> each);

  // The largest message (data and headers) the servers take: their
  // max_payload, 1 MB unless configured.
  int64_t MaxMessageBytes() const;

  const JetStreamOptions& options() const { return options_; }

 private:
  JetStreamLog(JetStreamOptions options, __natsConnection* connection, __jsCtx* js);
  absl::Status EnsureStream();
  // An append refused because its subject holds a message: a duplicate if
  // that message has the append's id, else FAILED_PRECONDITION.
  absl::StatusOr<LogAppended> StoredAlready(const LogAppend& append);

  const JetStreamOptions options_;
  __natsConnection* const connection_;
  __jsCtx* const js_;
};

// Messages of the log in order; see JetStreamLog::ReadFrom. One reader at a
// time.
class LogReader {
 public:
  ~LogReader();
  LogReader(const LogReader&) = delete;
  LogReader& operator=(const LogReader&) = delete;

  // Up to `max` messages: waits up to `timeout` for the first, then takes
  // those already delivered. Empty when none came in time.
  absl::StatusOr<std::vector<LogMessage>> Next(size_t max, absl::Duration timeout);

 private:
  friend class JetStreamLog;
  explicit LogReader(__natsSubscription* subscription) : subscription_(subscription) {}

  __natsSubscription* const subscription_;
};

// Follows a stream for a reader that folds its messages in and keeps its
// own position: a LogReader opened where that position is, opened again
// after an error (a lost server). One thread at a time.
class LogFollower {
 public:
  // `event` names the event-log line of a failed open (e.g.
  // "keys.follow_failed"). REQUIRES: `log` outlives the follower.
  LogFollower(JetStreamLog& log, std::string event) : log_(log), event_(std::move(event)) {}

  // The messages after sequence `after` that come within `wait` (a batch
  // at most); none after an error, which was logged.
  std::vector<LogMessage> Next(uint64_t after, absl::Duration wait);

 private:
  JetStreamLog& log_;
  const std::string event_;
  std::unique_ptr<LogReader> reader_;
};

// Brings a fold of `log` up to the stream's last message now: reads on
// from `folded_to` (guarded by `mu`) and calls `fold`, with `mu` held, for
// each message still past `folded_to`, which `fold` moves on. The read
// itself runs without `mu`, so a slow server holds up no one else; a
// message another reader folded meanwhile is skipped, so each is folded
// once, in order.
absl::Status CatchUpFold(JetStreamLog& log, absl::Mutex& mu, const uint64_t& folded_to,
                         absl::FunctionRef<void(const LogMessage&)> fold);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_STORE_JETSTREAM_LOG_H_
