#include "core/event_frame.h"

#include <algorithm>

#include "core/article.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"

namespace newswire {
namespace {

using ::google::protobuf::internal::WireFormatLite;
using ::google::protobuf::io::CodedOutputStream;

// The tag of SubscribeResponse.events.
const uint32_t kEventsTag = WireFormatLite::MakeTag(v1::SubscribeResponse::kEventsFieldNumber,
                                                    WireFormatLite::WIRETYPE_LENGTH_DELIMITED);

v1::FeedEvent Cut(const v1::FeedEvent& event) {
  v1::FeedEvent cut;
  cut.set_sequence(event.sequence());
  cut.set_kind(event.kind());
  *cut.mutable_published_at() = event.published_at();
  cut.set_head_sequence(event.head_sequence());
  *cut.mutable_article() = HeadlineView(event.article());
  return cut;
}

SharedFrame FrameMarker(v1::EventKind kind, uint64_t head_sequence) {
  v1::FeedEvent event;
  event.set_kind(kind);
  event.set_head_sequence(head_sequence);
  return FrameWriter(64).Frame(event);
}

}  // namespace

void AppendRun(const EventFrame& frame, std::vector<FrameRun>& runs) {
  if (!runs.empty()) {
    FrameRun& last = runs.back();
    if (last.chunk == frame.chunk && last.bytes.data() + last.bytes.size() == frame.bytes.data()) {
      last.bytes = absl::string_view(last.bytes.data(), last.bytes.size() + frame.bytes.size());
      return;
    }
  }
  runs.push_back(FrameRun{frame.chunk, frame.bytes});
}

SharedFrame FrameWriter::Frame(const v1::FeedEvent& event) {
  const size_t body = event.ByteSizeLong();
  const size_t size = CodedOutputStream::VarintSize32(kEventsTag) +
                      CodedOutputStream::VarintSize64(body) + body;
  if (chunk_ == nullptr || chunk_->capacity() - chunk_->used_ < size) {
    chunk_ = std::make_shared<FrameChunk>(std::max(chunk_bytes_, size));
  }
  auto* start = reinterpret_cast<uint8_t*>(chunk_->data_.get() + chunk_->used_);
  uint8_t* out = CodedOutputStream::WriteVarint32ToArray(kEventsTag, start);
  out = CodedOutputStream::WriteVarint64ToArray(body, out);
  event.SerializeWithCachedSizesToArray(out);
  chunk_->used_ += size;
  auto frame = std::make_shared<EventFrame>();
  frame->sequence = event.sequence();
  frame->bytes = absl::string_view(reinterpret_cast<const char*>(start), size);
  frame->chunk = chunk_;
  return frame;
}

SharedFrame FrameWriter::FrameInView(const v1::FeedEvent& event, v1::ArticleView view) {
  if (view == v1::ARTICLE_VIEW_FULL || !event.has_article()) return Frame(event);
  return Frame(Cut(event));
}

SharedFrame FrameCaughtUp(uint64_t head_sequence) {
  return FrameMarker(v1::EVENT_KIND_CAUGHT_UP, head_sequence);
}

SharedFrame FrameHeartbeat(uint64_t head_sequence) {
  return FrameMarker(v1::EVENT_KIND_HEARTBEAT, head_sequence);
}

}  // namespace newswire
