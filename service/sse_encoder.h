// Events as Server-Sent Events (the HTML Living Standard's
// text/event-stream), for GET /v1/stream:
//
//   id: 42                       the event's sequence (Last-Event-ID)
//   event: published             the kind: published, updated, killed, caught_up
//   data: {"sequence":"42",...}  the event in the proto3 JSON mapping, one line
//
// and a heartbeat as a comment (": heartbeat 42"), which keeps proxies
// and the client's idea of the connection alive. CAUGHT_UP carries no id,
// so a client's Last-Event-ID stays the sequence of the last real event.
//
// A live event goes to many streams as the same shared frame; its text is
// made once and shared too (a small cache keyed by the frame).
#ifndef NEWSWIRE_SERVICE_SSE_ENCODER_H_
#define NEWSWIRE_SERVICE_SSE_ENCODER_H_

#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "core/event_frame.h"
#include "newswire/v1/feed.pb.h"

namespace newswire {

// The text/event-stream message for `event`, ending in the blank line.
std::string SseMessage(const v1::FeedEvent& event);

class SseEncoder {
 public:
  // Keeps the text of up to `cache_entries` recent events.
  explicit SseEncoder(size_t cache_entries = 4096) : capacity_(cache_entries) {}
  SseEncoder(const SseEncoder&) = delete;
  SseEncoder& operator=(const SseEncoder&) = delete;

  // Appends the messages for the framed events of `runs` to `out`, in
  // order. Thread-safe.
  void Encode(const std::vector<FrameRun>& runs,
              std::vector<std::shared_ptr<const std::string>>& out);

 private:
  // A frame's bytes, by address and size; its chunk is held by the entry,
  // so the address cannot be reused while it is cached.
  using Key = std::pair<const char*, size_t>;
  struct Entry {
    std::shared_ptr<const FrameChunk> chunk;
    std::shared_ptr<const std::string> text;
  };

  std::shared_ptr<const std::string> Message(absl::string_view frame,
                                             const std::shared_ptr<const FrameChunk>& chunk);

  const size_t capacity_;
  absl::Mutex mu_;
  absl::flat_hash_map<Key, Entry> cache_ ABSL_GUARDED_BY(mu_);
  std::deque<Key> order_ ABSL_GUARDED_BY(mu_);  // Oldest first.
};

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_SSE_ENCODER_H_
