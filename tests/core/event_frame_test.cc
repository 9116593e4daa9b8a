#include "core/fanout/event_frame.h"

#include <random>
#include <string>
#include <vector>

#include "core/model/article.h"
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
      // Sets the field, or adds to it when it is repeated.
      auto put = [&](auto set, auto add, auto value) {
        repeated ? (reflection->*add)(&message, field, value)
                 : (reflection->*set)(&message, field, value);
      };
      switch (field->cpp_type()) {
        case FieldDescriptor::CPPTYPE_STRING:
          put(&Reflection::SetString, &Reflection::AddString,
              std::string(random() % 3 == 0 ? 0 : random() % 300, 'a' + random() % 26));
          break;
        case FieldDescriptor::CPPTYPE_MESSAGE: {
          if (depth > 3) break;
          Message* child = repeated ? reflection->AddMessage(&message, field)
                                    : reflection->MutableMessage(&message, field);
          Randomize(*child, random, depth + 1);
          break;
        }
        case FieldDescriptor::CPPTYPE_ENUM:
          put(&Reflection::SetEnum, &Reflection::AddEnum,
              field->enum_type()->value(
                  static_cast<int>(random() % field->enum_type()->value_count())));
          break;
        case FieldDescriptor::CPPTYPE_UINT32:
          put(&Reflection::SetUInt32, &Reflection::AddUInt32, static_cast<uint32_t>(number));
          break;
        case FieldDescriptor::CPPTYPE_UINT64:
          put(&Reflection::SetUInt64, &Reflection::AddUInt64, number);
          break;
        case FieldDescriptor::CPPTYPE_INT32:
          put(&Reflection::SetInt32, &Reflection::AddInt32, static_cast<int32_t>(number) - 100);
          break;
        case FieldDescriptor::CPPTYPE_INT64:
          put(&Reflection::SetInt64, &Reflection::AddInt64, static_cast<int64_t>(number));
          break;
        case FieldDescriptor::CPPTYPE_BOOL:
          put(&Reflection::SetBool, &Reflection::AddBool, number % 2 == 1);
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

// Frames `rounds` random events, each with an article as live events have,
// in `view` and expects each frame to hold exactly `expected(event)`.
template <typename Expected>
void ExpectFramesHold(v1::ArticleView view, int rounds, Expected expected) {
  std::mt19937 random(7);
  FrameWriter writer(4096);
  for (int round = 0; round < rounds && !::testing::Test::HasFailure(); ++round) {
    v1::FeedEvent event;
    Randomize(event, random);
    event.mutable_article();
    const SharedFrame frame = writer.FrameInView(event, view);
    EXPECT_EQ(frame->sequence, event.sequence());
    std::string differences;
    MessageDifferencer differ;
    differ.ReportDifferencesToString(&differences);
    EXPECT_TRUE(differ.Compare(expected(event), Unframe(*frame)))
        << "round " << round << ": " << differences;
  }
}

// The HEADLINE frame is written straight from the full article; it must
// hold exactly the event with its article cut by HeadlineView.
TEST(EventFrame, HeadlineFrameHoldsTheHeadlineView) {
  ExpectFramesHold(v1::ARTICLE_VIEW_HEADLINE, 2000, [](const v1::FeedEvent& event) {
    v1::FeedEvent cut = event;
    *cut.mutable_article() = HeadlineView(event.article());
    return cut;
  });
}

TEST(EventFrame, FullFrameHoldsTheEventAsItIs) {
  ExpectFramesHold(v1::ARTICLE_VIEW_FULL, 300,
                   [](const v1::FeedEvent& event) { return event; });
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

// Splitting a response gives back each framed event's bytes, in order.
TEST(EventFrame, ForEachFramedEventSplitsWhatWasFramed) {
  FrameWriter writer(1 << 16);
  std::string response;
  std::vector<std::string> expected;
  for (uint64_t sequence = 1; sequence <= 5; ++sequence) {
    v1::FeedEvent event;
    event.set_sequence(sequence);
    event.mutable_article()->set_headline(std::string(sequence * 40, 'h'));
    response += std::string(writer.Frame(event)->bytes);
    expected.push_back(event.SerializeAsString());
  }
  std::vector<std::string> split;
  ASSERT_TRUE(ForEachFramedEvent(response, [&](absl::string_view e) { split.emplace_back(e); }));
  EXPECT_EQ(split, expected);
  // An entry whose length runs past the end is malformed.
  EXPECT_FALSE(ForEachFramedEvent(response.substr(0, response.size() - 1),
                                  [](absl::string_view) {}));
}

TEST(EventFrame, MarkersCarryTheHead) {
  const v1::FeedEvent caught_up = Unframe(*FrameCaughtUp(42));
  EXPECT_EQ(caught_up.kind(), v1::EVENT_KIND_CAUGHT_UP);
  EXPECT_EQ(caught_up.head_sequence(), 42u);
  EXPECT_FALSE(caught_up.has_article());
  EXPECT_EQ(Unframe(*FrameHeartbeat(7)).kind(), v1::EVENT_KIND_HEARTBEAT);
}

// The fields read without a parse are the parsed message's, for events
// with and without each field.
TEST(EventFrame, ReadFeedEventFieldsAgreesWithTheParser) {
  std::mt19937 random(7);
  for (int round = 0; round < 500; ++round) {
    v1::FeedEvent event;
    Randomize(event, random);
    const std::string bytes = event.SerializeAsString();
    FeedEventFields fields;
    ASSERT_TRUE(ReadFeedEventFields(bytes, fields)) << "round " << round;
    EXPECT_EQ(fields.sequence, event.sequence());
    EXPECT_EQ(fields.kind, static_cast<int>(event.kind()));
    EXPECT_EQ(fields.head_sequence, event.head_sequence());
    EXPECT_EQ(fields.has_published_at, event.has_published_at());
    EXPECT_EQ(fields.published_seconds, event.published_at().seconds());
    EXPECT_EQ(fields.published_nanos, event.published_at().nanos());
    ASSERT_EQ(fields.article.data() != nullptr, event.has_article()) << "round " << round;
    if (event.has_article()) {
      v1::Article article;
      ASSERT_TRUE(article.ParseFromArray(fields.article.data(),
                                         static_cast<int>(fields.article.size())));
      EXPECT_TRUE(MessageDifferencer::Equals(article, event.article())) << "round " << round;
    }
  }
}

TEST(EventFrame, ReadFeedEventFieldsSkipsUnknownAndRefusesTruncated) {
  v1::FeedEvent event;
  event.set_sequence(9);
  event.mutable_article()->set_headline("Ferry strike ends");
  // Field 15 (a string) is not in this build's schema.
  const std::string unknown = std::string("\x7a\x03" "abc") + event.SerializeAsString();
  FeedEventFields fields;
  ASSERT_TRUE(ReadFeedEventFields(unknown, fields));
  EXPECT_EQ(fields.sequence, 9u);
  const std::string bytes = event.SerializeAsString();
  EXPECT_FALSE(ReadFeedEventFields(bytes.substr(0, bytes.size() - 3), fields));
}

}  // namespace
}  // namespace newswire
