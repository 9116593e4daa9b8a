#include "core/event_frame.h"

#include "core/article.h"
#include "google/protobuf/wire_format_lite.h"

namespace newswire {
namespace {

using ::google::protobuf::internal::WireFormatLite;

void AppendVarint(uint64_t value, std::string& out) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>(value | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

}  // namespace

SharedFrame FrameEvent(const v1::FeedEvent& event) {
  auto frame = std::make_shared<EventFrame>();
  frame->sequence = event.sequence();
  const size_t size = event.ByteSizeLong();
  frame->bytes.reserve(size + 11);
  AppendVarint(WireFormatLite::MakeTag(
                   v1::SubscribeResponse::kEventsFieldNumber,
                   WireFormatLite::WIRETYPE_LENGTH_DELIMITED),
               frame->bytes);
  AppendVarint(size, frame->bytes);
  event.AppendToString(&frame->bytes);
  return frame;
}

SharedFrame FrameEventInView(const v1::FeedEvent& event, v1::ArticleView view) {
  if (view == v1::ARTICLE_VIEW_FULL || !event.has_article()) return FrameEvent(event);
  v1::FeedEvent cut;
  cut.set_sequence(event.sequence());
  cut.set_kind(event.kind());
  *cut.mutable_published_at() = event.published_at();
  cut.set_head_sequence(event.head_sequence());
  *cut.mutable_article() = HeadlineView(event.article());
  return FrameEvent(cut);
}

namespace {

SharedFrame FrameMarker(v1::EventKind kind, uint64_t head_sequence) {
  v1::FeedEvent event;
  event.set_kind(kind);
  event.set_head_sequence(head_sequence);
  return FrameEvent(event);
}

}  // namespace

SharedFrame FrameCaughtUp(uint64_t head_sequence) {
  return FrameMarker(v1::EVENT_KIND_CAUGHT_UP, head_sequence);
}

SharedFrame FrameHeartbeat(uint64_t head_sequence) {
  return FrameMarker(v1::EVENT_KIND_HEARTBEAT, head_sequence);
}

}  // namespace newswire
