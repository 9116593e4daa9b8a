// Events framed for the wire, serialized once and shared by every stream.
//
// A frame is one entry of SubscribeResponse.events exactly as it appears on
// the wire: field tag, varint length, serialized FeedEvent. Frames placed
// side by side form a valid serialized SubscribeResponse, so a batch for a
// subscriber is the shared frames written one after another, never a copy.
//
// Frames are written into chunks: buffers that consecutive frames are
// appended to and that never move. A run of consecutive frames of one
// chunk is one contiguous piece of memory, which a transport sends as one
// buffer however many events it holds (see service/subscribe_queue.cc).
#ifndef NEWSWIRE_CORE_FANOUT_EVENT_FRAME_H_
#define NEWSWIRE_CORE_FANOUT_EVENT_FRAME_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "newswire/v1/feed.pb.h"

namespace newswire {

// A buffer frames are appended to. Immutable where written, so shared
// between threads without locks while its writer appends past the end.
class FrameChunk {
 public:
  explicit FrameChunk(size_t capacity)
      : data_(std::make_unique<char[]>(capacity)), capacity_(capacity) {}
  FrameChunk(const FrameChunk&) = delete;
  FrameChunk& operator=(const FrameChunk&) = delete;

  size_t capacity() const { return capacity_; }

 private:
  friend class FrameWriter;
  const std::unique_ptr<char[]> data_;
  const size_t capacity_;
  size_t used_ = 0;  // Touched by the chunk's writer only.
};

// One framed event. Immutable once built, so it is shared between
// subscriptions and transports without locks.
struct EventFrame {
  uint64_t sequence = 0;  // 0 for HEARTBEAT and CAUGHT_UP.
  // The frame's bytes, inside `chunk`, which keeps them alive.
  absl::string_view bytes;
  std::shared_ptr<const FrameChunk> chunk;
};

using SharedFrame = std::shared_ptr<const EventFrame>;

// Frames side by side in one chunk: what a transport sends as one buffer.
struct FrameRun {
  std::shared_ptr<const FrameChunk> chunk;
  absl::string_view bytes;
};

// Appends `frame` to `runs`, extending the last run when the frame follows
// it directly in the same chunk.
void AppendRun(const EventFrame& frame, std::vector<FrameRun>& runs);

// Frames events into chunks, each frame right after the one before while
// the chunk has room. Not thread-safe.
class FrameWriter {
 public:
  // Chunks of `chunk_bytes` (a larger frame gets a chunk of its own).
  explicit FrameWriter(size_t chunk_bytes = kDefaultChunkBytes) : chunk_bytes_(chunk_bytes) {}

  // Frames `event` as it is.
  SharedFrame Frame(const v1::FeedEvent& event);
  // Frames `event` with its article cut down to `view`.
  SharedFrame FrameInView(const v1::FeedEvent& event, v1::ArticleView view);

  static constexpr size_t kDefaultChunkBytes = 16 << 10;

 private:
  // Frames an event of `body` bytes, which `write` writes to where it is
  // given and returns the end of.
  SharedFrame Place(uint64_t sequence, size_t body,
                    absl::FunctionRef<uint8_t*(uint8_t*)> write);

  const size_t chunk_bytes_;
  std::shared_ptr<FrameChunk> chunk_;
};

// The inverse of framing: calls `each` with the serialized FeedEvent of
// every entry of SubscribeResponse.events in `response` (a serialized
// SubscribeResponse), in order, without parsing them; other fields are
// skipped. Returns false if `response` is malformed.
bool ForEachFramedEvent(absl::string_view response,
                        absl::FunctionRef<void(absl::string_view event)> each);

// The fields of a serialized FeedEvent, read without parsing its article.
struct FeedEventFields {
  uint64_t sequence = 0;
  int kind = 0;  // A v1::EventKind (or a number this build does not know).
  bool has_published_at = false;
  int64_t published_seconds = 0;
  int32_t published_nanos = 0;
  // The serialized Article, inside the event's bytes; empty data() when
  // the event has none.
  absl::string_view article;
  uint64_t head_sequence = 0;
};

// Reads the fields of `event` (a serialized FeedEvent); unknown fields are
// skipped. Returns false if it is malformed.
bool ReadFeedEventFields(absl::string_view event, FeedEventFields& fields);

// The number of frames in `runs`.
size_t CountFrames(const std::vector<FrameRun>& runs);

// Frames a CAUGHT_UP event carrying `head_sequence`.
SharedFrame FrameCaughtUp(uint64_t head_sequence);

// Frames a HEARTBEAT event carrying `head_sequence`.
SharedFrame FrameHeartbeat(uint64_t head_sequence);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_FANOUT_EVENT_FRAME_H_
