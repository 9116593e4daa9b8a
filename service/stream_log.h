// The event log's account of one subscriber stream, whichever transport
// carries it (gRPC Subscribe, or HTTP server-sent events on /v1/stream):
// stream.opened, stream.fell_behind each time the subscriber dropped back to
// catch-up, stream.closed with its duration, what it was sent and how it
// ended; or stream.refused for one that never opened. Lines name the peer
// and the key (by public id), never an article's text.
#ifndef NEWSWIRE_SERVICE_STREAM_LOG_H_
#define NEWSWIRE_SERVICE_STREAM_LOG_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "core/fanout/hub.h"

namespace newswire {

// Transport names, as the lines give them.
inline constexpr char kGrpcTransport[] = "grpc";
inline constexpr char kSseTransport[] = "sse";

// Logs stream.refused: a stream asked for by `peer` (with `key`, empty when
// none) that did not open, and why.
void LogStreamRefused(absl::string_view transport, absl::string_view peer, absl::string_view key,
                      const absl::Status& why);

// One open stream. Not thread-safe: its owner serializes the calls.
class StreamLog {
 public:
  // Logs stream.opened with what the subscription asked for.
  StreamLog(absl::string_view transport, std::string peer, std::string key,
            const SubscriptionOptions& options);
  // Logs stream.closed; says "the connection closed" as the end unless
  // EndedBy said otherwise.
  ~StreamLog();

  StreamLog(const StreamLog&) = delete;
  StreamLog& operator=(const StreamLog&) = delete;

  // After each Subscription::Next: `events` were sent, and the
  // subscription has fallen back to catch-up `fallbacks` times in all
  // (stream.fell_behind each time that grew).
  void Sent(size_t events, uint64_t fallbacks);

  // How the stream ended (a status code's name, "cancelled by the client",
  // "the server stopped"), unless that is said already.
  void EndedBy(absl::string_view how);

 private:
  const std::string transport_;
  const std::string peer_;
  const std::string key_;
  const absl::Time opened_at_;
  uint64_t events_ = 0;
  uint64_t fallbacks_ = 0;
  std::string ended_by_;
};

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_STREAM_LOG_H_
