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
// made once and shared too (a small cache keyed by the frame). Streams that
// keep up are handed the same run of frames (the events since the last
// wake-up); the text of a whole run is kept too, so each such stream is
// written one shared buffer per wake-up, not one per event.
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
#include "core/fanout/event_frame.h"
#include "newswire/v1/feed.pb.h"

namespace newswire {

// The text/event-stream message for `event`, ending in the blank line.
std::string SseMessage(const v1::FeedEvent& event);

class SseEncoder {
 public:
  // Keeps the text of up to `cache_entries` recent events, and of recent
  // runs of several events up to `run_cache_bytes` in all.
  explicit SseEncoder(size_t cache_entries = 4096, size_t run_cache_bytes = 4 << 20)
      : capacity_(cache_entries), run_capacity_bytes_(run_cache_bytes) {}
  SseEncoder(const SseEncoder&) = delete;
  SseEncoder& operator=(const SseEncoder&) = delete;

  // Appends the messages for the framed events of `runs` to `out`, in
  // order (a run's as one piece or one per event), and returns how many
  // events they were. Thread-safe.
  size_t Encode(const std::vector<FrameRun>& runs,
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
  // The text of a run of several frames, and how many, if it is cached.
  std::shared_ptr<const std::string> CachedRun(const FrameRun& run, size_t* events);
  void KeepRun(const FrameRun& run, std::shared_ptr<const std::string> text, size_t events);

  const size_t capacity_;
  const size_t run_capacity_bytes_;
  absl::Mutex mu_;
  absl::flat_hash_map<Key, Entry> cache_ ABSL_GUARDED_BY(mu_);
  std::deque<Key> order_ ABSL_GUARDED_BY(mu_);  // Oldest first.
  struct RunEntry {
    Entry entry;
    size_t events;
  };
  absl::Mutex run_mu_;
  absl::flat_hash_map<Key, RunEntry> runs_ ABSL_GUARDED_BY(run_mu_);
  std::deque<Key> run_order_ ABSL_GUARDED_BY(run_mu_);  // Oldest first.
  size_t run_bytes_ ABSL_GUARDED_BY(run_mu_) = 0;
};

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_SSE_ENCODER_H_
