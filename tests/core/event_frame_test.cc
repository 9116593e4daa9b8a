#include "core/event_frame.h"

#include <random>
#include <string>
#include <vector>

#include "core/article.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace newswire {
namespace {

using ::google::protobuf::FieldDescriptor;
using ::google::protobuf::Message;
using ::google::protobuf::Reflection;
using ::google::protobuf::util::MessageDifferencer;

// Sets a random half of the fields of `message`, at every depth, to random
// values: text of random length (sometimes empty), numbers (sometimes 0,
// sometimes large), 0-3 entries of repeated fields. Walks the descriptors,
// so fields added to the schema later are covered too.
void Randomize(Message& message, std::mt19937& random, int depth = 0) {
  const Reflection* reflection = message.GetReflection();
  const google::protobuf::Descriptor* type = message.GetDescriptor();
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
    if (random() % 2 == 0) continue;
    const int count = field->is_repeated() ? static_cast<int>(random() % 4) : 1;
    for (int n = 0; n < count; ++n) {
      const bool repeated = field->is_repeated();
      const uint64_t number = random() % 3 == 0 ? 0 : (random() % 2 ? random() % 200 : random());
      switch (field->cpp_type()) {
        case FieldDescriptor::CPPTYPE_STRING: {
          const std::string text(random() % 3 == 0 ? 0 : random() % 300, 'a' + random() % 26);
          repeated ? reflection->AddString(&message, field, text)
                   : reflection->SetString(&message, field, text);
          break;
        }
        case FieldDescriptor::CPPTYPE_MESSAGE: {
          if (depth > 3) break;
          Message* child = repeated ? reflection->AddMessage(&message, field)
                                    : reflection->MutableMessage(&message, field);
          Randomize(*child, random, depth + 1);
          break;
        }
        case FieldDescriptor::CPPTYPE_ENUM: {
          const auto* value = field->enum_type()->value(
              static_cast<int>(random() % field->enum_type()->value_count()));
          repeated ? reflection->AddEnum(&message, field, value)
                   : reflection->SetEnum(&message, field, value);
          break;
        }
        case FieldDescriptor::CPPTYPE_UINT32:
          repeated ? reflection->AddUInt32(&message, field, static_cast<uint32_t>(number))
                   : reflection->SetUInt32(&message, field, static_cast<uint32_t>(number));
          break;
        case FieldDescriptor::CPPTYPE_UINT64:
          repeated ? reflection->AddUInt64(&message, field, number)
                   : reflection->SetUInt64(&message, field, number);
          break;
        case FieldDescriptor::CPPTYPE_INT32:
          repeated ? reflection->AddInt32(&message, field, static_cast<int32_t>(number) - 100)
                   : reflection->SetInt32(&message, field, static_cast<int32_t>(number) - 100);
          break;
        case FieldDescriptor::CPPTYPE_INT64:
          repeated ? reflection->AddInt64(&message, field, static_cast<int64_t>(number))
                   : reflection->SetInt64(&message, field, static_cast<int64_t>(number));
          break;
        case FieldDescriptor::CPPTYPE_BOOL:
          repeated ? reflection->AddBool(&message, field, number % 2)
                   : reflection->SetBool(&message, field, number % 2);
          break;
        default:
          break;
      }
    }
  }
}

// The event a frame holds: frames are entries of SubscribeResponse.events.
v1::FeedEvent Unframe(const EventFrame& frame) {
  v1::SubscribeResponse response;
  EXPECT_TRUE(response.ParseFromArray(frame.bytes.data(), static_cast<int>(frame.bytes.size())));
  EXPECT_EQ(response.events_size(), 1);
  return response.events_size() == 1 ? response.events(0) : v1::FeedEvent();
}

// The HEADLINE frame is written straight from the full article; it must
// hold exactly the event with its article cut by HeadlineView.
TEST(EventFrame, HeadlineFrameHoldsTheHeadlineView) {
  std::mt19937 random(7);
  FrameWriter writer(4096);
  for (int round = 0; round < 2000; ++round) {
    v1::FeedEvent event;
    Randomize(event, random);
    event.mutable_article();  // Live events always carry one.
    v1::FeedEvent expected = event;
    *expected.mutable_article() = HeadlineView(event.article());
    const v1::FeedEvent framed =
        Unframe(*writer.FrameInView(event, v1::ARTICLE_VIEW_HEADLINE));
    std::string differences;
    MessageDifferencer differ;
    differ.ReportDifferencesToString(&differences);
    EXPECT_TRUE(differ.Compare(expected, framed)) << "round " << round << ": " << differences;
    if (HasFailure()) break;
  }
}

TEST(EventFrame, FullFrameHoldsTheEventAsItIs) {
  std::mt19937 random(8);
  FrameWriter writer(4096);
  for (int round = 0; round < 200; ++round) {
    v1::FeedEvent event;
    Randomize(event, random);
    const SharedFrame frame = writer.FrameInView(event, v1::ARTICLE_VIEW_FULL);
    EXPECT_EQ(frame->sequence, event.sequence());
    EXPECT_TRUE(MessageDifferencer::Equals(event, Unframe(*frame))) << "round " << round;
  }
}

// Consecutive frames share a chunk and follow each other, so they join into
// one run; a frame bigger than a chunk gets one of its own.
TEST(EventFrame, FramesSideBySideJoinIntoRuns) {
  FrameWriter writer(1024);
  v1::FeedEvent event;
  event.set_sequence(1);
  event.mutable_article()->set_headline("Tram line approved");
  std::vector<FrameRun> runs;
  for (int i = 0; i < 3; ++i) AppendRun(*writer.FrameInView(event, v1::ARTICLE_VIEW_HEADLINE), runs);
  ASSERT_EQ(runs.size(), 1u);
  event.mutable_article()->set_summary(std::string(2000, 's'));
  AppendRun(*writer.Frame(event), runs);
  EXPECT_EQ(runs.size(), 2u);
  v1::SubscribeResponse response;
  ASSERT_TRUE(response.ParseFromArray(runs[0].bytes.data(), static_cast<int>(runs[0].bytes.size())));
  EXPECT_EQ(response.events_size(), 3);
}

TEST(EventFrame, MarkersCarryTheHead) {
  const v1::FeedEvent caught_up = Unframe(*FrameCaughtUp(42));
  EXPECT_EQ(caught_up.kind(), v1::EVENT_KIND_CAUGHT_UP);
  EXPECT_EQ(caught_up.head_sequence(), 42u);
  EXPECT_FALSE(caught_up.has_article());
  EXPECT_EQ(Unframe(*FrameHeartbeat(7)).kind(), v1::EVENT_KIND_HEARTBEAT);
}

}  // namespace
}  // namespace newswire
