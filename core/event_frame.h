// Events framed for the wire, serialized once and shared by every stream.
//
// A frame is one entry of SubscribeResponse.events exactly as it appears on
// the wire: field tag, varint length, serialized FeedEvent. Frames placed
// side by side form a valid serialized SubscribeResponse, so a batch for a
// subscriber is the shared frames written one after another, never a copy.
#ifndef NEWSWIRE_CORE_EVENT_FRAME_H_
#define NEWSWIRE_CORE_EVENT_FRAME_H_

#include <cstdint>
#include <memory>
#include <string>

#include "newswire/v1/feed.pb.h"

namespace newswire {

// One framed event. Immutable once built, so it is shared between
// subscriptions and transports without locks.
struct EventFrame {
  uint64_t sequence = 0;  // 0 for HEARTBEAT and CAUGHT_UP.
  std::string bytes;
};

using SharedFrame = std::shared_ptr<const EventFrame>;

// Frames `event` as it is.
SharedFrame FrameEvent(const v1::FeedEvent& event);

// Frames `event` with its article cut down to `view`.
SharedFrame FrameEventInView(const v1::FeedEvent& event, v1::ArticleView view);

// Frames a CAUGHT_UP event carrying `head_sequence`.
SharedFrame FrameCaughtUp(uint64_t head_sequence);

// Frames a HEARTBEAT event carrying `head_sequence`.
SharedFrame FrameHeartbeat(uint64_t head_sequence);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_EVENT_FRAME_H_
