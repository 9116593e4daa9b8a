#include "core/fanout/headline_wire.h"

#include <string>

#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"

namespace newswire {
namespace {

using ::google::protobuf::Message;
using ::google::protobuf::internal::WireFormatLite;
using ::google::protobuf::io::CodedOutputStream;
using v1::Article;
using v1::FeedEvent;

// Sizes of the pieces of a field, tag included; each is 0 for a field that
// proto3 leaves out (empty text, zero).
size_t TextSize(int number, const std::string& text) {
  if (text.empty()) return 0;
  return WireFormatLite::TagSize(number, WireFormatLite::TYPE_STRING) +
         WireFormatLite::StringSize(text);
}

size_t VarintSize(int number, uint64_t value) {
  if (value == 0) return 0;
  return WireFormatLite::TagSize(number, WireFormatLite::TYPE_UINT64) +
         WireFormatLite::UInt64Size(value);
}

// A present message field: tag, length, body (its size cached by ByteSizeLong).
size_t MessageSize(int number, const Message& message) {
  return WireFormatLite::TagSize(number, WireFormatLite::TYPE_MESSAGE) +
         WireFormatLite::LengthDelimitedSize(message.ByteSizeLong());
}

uint8_t* WriteText(int number, const std::string& text, uint8_t* out) {
  if (text.empty()) return out;
  return WireFormatLite::WriteStringToArray(number, text, out);
}

uint8_t* WriteVarint(int number, uint64_t value, uint8_t* out) {
  if (value == 0) return out;
  return WireFormatLite::WriteUInt64ToArray(number, value, out);
}

// REQUIRES: MessageSize(number, message) was called and nothing changed it since.
uint8_t* WriteMessage(int number, const Message& message, uint8_t* out) {
  out = WireFormatLite::WriteTagToArray(number, WireFormatLite::WIRETYPE_LENGTH_DELIMITED, out);
  out = CodedOutputStream::WriteVarint32ToArray(static_cast<uint32_t>(message.GetCachedSize()),
                                                out);
  return message.SerializeWithCachedSizesToArray(out);
}

// The fields of HeadlineView, in field-number order as protobuf writes them.
size_t HeadlineArticleSize(const Article& a) {
  size_t size = TextSize(Article::kIdFieldNumber, a.id()) +
                VarintSize(Article::kVersionFieldNumber, a.version()) +
                TextSize(Article::kHeadlineFieldNumber, a.headline()) +
                TextSize(Article::kDatelineFieldNumber, a.dateline()) +
                TextSize(Article::kSummaryFieldNumber, a.summary()) +
                VarintSize(Article::kUrgencyFieldNumber, a.urgency());
  if (a.has_first_created()) {
    size += MessageSize(Article::kFirstCreatedFieldNumber, a.first_created());
  }
  for (const v1::Entity& e : a.subjects()) size += MessageSize(Article::kSubjectsFieldNumber, e);
  for (const v1::Entity& e : a.places()) size += MessageSize(Article::kPlacesFieldNumber, e);
  if (a.has_source()) size += MessageSize(Article::kSourceFieldNumber, a.source());
  return size;
}

uint8_t* WriteHeadlineArticle(const Article& a, uint8_t* out) {
  out = WriteText(Article::kIdFieldNumber, a.id(), out);
  out = WriteVarint(Article::kVersionFieldNumber, a.version(), out);
  out = WriteText(Article::kHeadlineFieldNumber, a.headline(), out);
  out = WriteText(Article::kDatelineFieldNumber, a.dateline(), out);
  out = WriteText(Article::kSummaryFieldNumber, a.summary(), out);
  if (a.has_first_created()) {
    out = WriteMessage(Article::kFirstCreatedFieldNumber, a.first_created(), out);
  }
  out = WriteVarint(Article::kUrgencyFieldNumber, a.urgency(), out);
  for (const v1::Entity& e : a.subjects()) {
    out = WriteMessage(Article::kSubjectsFieldNumber, e, out);
  }
  for (const v1::Entity& e : a.places()) out = WriteMessage(Article::kPlacesFieldNumber, e, out);
  if (a.has_source()) out = WriteMessage(Article::kSourceFieldNumber, a.source(), out);
  return out;
}

}  // namespace

HeadlineSize MeasureHeadlineEvent(const FeedEvent& event) {
  HeadlineSize size;
  size.article = HeadlineArticleSize(event.article());
  size.event = VarintSize(FeedEvent::kSequenceFieldNumber, event.sequence()) +
               VarintSize(FeedEvent::kKindFieldNumber, static_cast<uint64_t>(event.kind())) +
               WireFormatLite::TagSize(FeedEvent::kArticleFieldNumber,
                                       WireFormatLite::TYPE_MESSAGE) +
               WireFormatLite::LengthDelimitedSize(size.article) +
               VarintSize(FeedEvent::kHeadSequenceFieldNumber, event.head_sequence());
  if (event.has_published_at()) {
    size.event += MessageSize(FeedEvent::kPublishedAtFieldNumber, event.published_at());
  }
  return size;
}

uint8_t* WriteHeadlineEvent(const FeedEvent& event, const HeadlineSize& size, uint8_t* out) {
  out = WriteVarint(FeedEvent::kSequenceFieldNumber, event.sequence(), out);
  out = WriteVarint(FeedEvent::kKindFieldNumber, static_cast<uint64_t>(event.kind()), out);
  if (event.has_published_at()) {
    out = WriteMessage(FeedEvent::kPublishedAtFieldNumber, event.published_at(), out);
  }
  out = WireFormatLite::WriteTagToArray(FeedEvent::kArticleFieldNumber,
                                        WireFormatLite::WIRETYPE_LENGTH_DELIMITED, out);
  out = CodedOutputStream::WriteVarint32ToArray(static_cast<uint32_t>(size.article), out);
  out = WriteHeadlineArticle(event.article(), out);
  return WriteVarint(FeedEvent::kHeadSequenceFieldNumber, event.head_sequence(), out);
}

}  // namespace newswire
