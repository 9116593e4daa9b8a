#include "core/fanout/event_frame.h"

#include <algorithm>

#include "core/fanout/headline_wire.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"

namespace newswire {
namespace {

using ::google::protobuf::internal::WireFormatLite;
using ::google::protobuf::io::CodedOutputStream;

// The tag of SubscribeResponse.events.
const uint32_t kEventsTag = WireFormatLite::MakeTag(v1::SubscribeResponse::kEventsFieldNumber,
                                                    WireFormatLite::WIRETYPE_LENGTH_DELIMITED);

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

SharedFrame FrameWriter::Place(uint64_t sequence, size_t body,
                               absl::FunctionRef<uint8_t*(uint8_t*)> write) {
  const size_t size = CodedOutputStream::VarintSize32(kEventsTag) +
                      CodedOutputStream::VarintSize64(body) + body;
  if (chunk_ == nullptr || chunk_->capacity() - chunk_->used_ < size) {
    chunk_ = std::make_shared<FrameChunk>(std::max(chunk_bytes_, size));
  }
  auto* start = reinterpret_cast<uint8_t*>(chunk_->data_.get() + chunk_->used_);
  uint8_t* out = CodedOutputStream::WriteVarint32ToArray(kEventsTag, start);
  out = CodedOutputStream::WriteVarint64ToArray(body, out);
  write(out);
  chunk_->used_ += size;
  auto frame = std::make_shared<EventFrame>();
  frame->sequence = sequence;
  frame->bytes = absl::string_view(reinterpret_cast<const char*>(start), size);
  frame->chunk = chunk_;
  return frame;
}

SharedFrame FrameWriter::Frame(const v1::FeedEvent& event) {
  return Place(event.sequence(), event.ByteSizeLong(),
               [&event](uint8_t* out) { return event.SerializeWithCachedSizesToArray(out); });
}

SharedFrame FrameWriter::FrameInView(const v1::FeedEvent& event, v1::ArticleView view) {
  if (view == v1::ARTICLE_VIEW_FULL || !event.has_article()) return Frame(event);
  const HeadlineSize size = MeasureHeadlineEvent(event);
  return Place(event.sequence(), size.event, [&](uint8_t* out) {
    return WriteHeadlineEvent(event, size, out);
  });
}

bool ForEachFramedEvent(absl::string_view response,
                        absl::FunctionRef<void(absl::string_view event)> each) {
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(response.data()),
                                            static_cast<int>(response.size()));
  while (const uint32_t tag = in.ReadTag()) {
    if (tag != kEventsTag) {
      if (!WireFormatLite::SkipField(&in, tag)) return false;
      continue;
    }
    uint32_t length = 0;
    if (!in.ReadVarint32(&length)) return false;
    const int at = in.CurrentPosition();
    if (length > response.size() - static_cast<size_t>(at)) return false;
    each(response.substr(static_cast<size_t>(at), length));
    in.Skip(static_cast<int>(length));
  }
  return in.ConsumedEntireMessage();
}

namespace {

// Reads a length-delimited field's bytes at the position of `in`.
bool ReadDelimited(google::protobuf::io::CodedInputStream& in, absl::string_view whole,
                   absl::string_view& bytes) {
  uint32_t length = 0;
  if (!in.ReadVarint32(&length)) return false;
  const size_t at = static_cast<size_t>(in.CurrentPosition());
  if (length > whole.size() - at) return false;
  bytes = whole.substr(at, length);
  return in.Skip(static_cast<int>(length));
}

bool ReadTimestamp(absl::string_view bytes, int64_t& seconds, int32_t& nanos) {
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                                            static_cast<int>(bytes.size()));
  while (const uint32_t tag = in.ReadTag()) {
    uint64_t value = 0;
    if (tag == WireFormatLite::MakeTag(1, WireFormatLite::WIRETYPE_VARINT)) {
      if (!in.ReadVarint64(&value)) return false;
      seconds = static_cast<int64_t>(value);
    } else if (tag == WireFormatLite::MakeTag(2, WireFormatLite::WIRETYPE_VARINT)) {
      if (!in.ReadVarint64(&value)) return false;
      nanos = static_cast<int32_t>(value);
    } else if (!WireFormatLite::SkipField(&in, tag)) {
      return false;
    }
  }
  return in.ConsumedEntireMessage();
}

}  // namespace

bool ReadFeedEventFields(absl::string_view event, FeedEventFields& fields) {
  using Event = v1::FeedEvent;
  constexpr auto kVarint = WireFormatLite::WIRETYPE_VARINT;
  constexpr auto kDelimited = WireFormatLite::WIRETYPE_LENGTH_DELIMITED;
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(event.data()),
                                            static_cast<int>(event.size()));
  fields = FeedEventFields();
  while (const uint32_t tag = in.ReadTag()) {
    uint64_t value = 0;
    absl::string_view bytes;
    if (tag == WireFormatLite::MakeTag(Event::kSequenceFieldNumber, kVarint)) {
      if (!in.ReadVarint64(&fields.sequence)) return false;
    } else if (tag == WireFormatLite::MakeTag(Event::kKindFieldNumber, kVarint)) {
      if (!in.ReadVarint64(&value)) return false;
      fields.kind = static_cast<int>(value);
    } else if (tag == WireFormatLite::MakeTag(Event::kPublishedAtFieldNumber, kDelimited)) {
      if (!ReadDelimited(in, event, bytes) ||
          !ReadTimestamp(bytes, fields.published_seconds, fields.published_nanos)) {
        return false;
      }
      fields.has_published_at = true;
    } else if (tag == WireFormatLite::MakeTag(Event::kArticleFieldNumber, kDelimited)) {
      // A repeated occurrence would be merged by a parser; the server
      // sends one.
      if (!ReadDelimited(in, event, fields.article)) return false;
    } else if (tag == WireFormatLite::MakeTag(Event::kHeadSequenceFieldNumber, kVarint)) {
      if (!in.ReadVarint64(&fields.head_sequence)) return false;
    } else if (!WireFormatLite::SkipField(&in, tag)) {
      return false;
    }
  }
  return in.ConsumedEntireMessage();
}

SharedFrame FrameCaughtUp(uint64_t head_sequence) {
  return FrameMarker(v1::EVENT_KIND_CAUGHT_UP, head_sequence);
}

SharedFrame FrameHeartbeat(uint64_t head_sequence) {
  return FrameMarker(v1::EVENT_KIND_HEARTBEAT, head_sequence);
}

size_t CountFrames(const std::vector<FrameRun>& runs) {
  size_t frames = 0;
  for (const FrameRun& run : runs) {
    ForEachFramedEvent(run.bytes, [&frames](absl::string_view) { ++frames; });
  }
  return frames;
}

}  // namespace newswire
