#include "service/sse_encoder.h"

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace newswire {
namespace {

v1::FeedEvent Published(uint64_t sequence, const std::string& headline) {
  v1::FeedEvent event;
  event.set_sequence(sequence);
  event.set_kind(v1::EVENT_KIND_PUBLISHED);
  event.mutable_article()->set_id("urn:a");
  event.mutable_article()->set_headline(headline);
  event.mutable_article()->set_body_text("line one\nline two\r\n");
  return event;
}

TEST(SseMessage, EventIsIdKindAndOneLineOfJson) {
  const std::string text = SseMessage(Published(42, "Drones over Kyiv"));
  EXPECT_EQ(text.rfind("id: 42\nevent: published\ndata: {", 0), 0u) << text;
  EXPECT_TRUE(text.ends_with("}\n\n")) << text;
  // Line breaks in the article stay escaped inside the one data line.
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 4) << text;
  EXPECT_NE(text.find(R"("headline":"Drones over Kyiv")"), std::string::npos);
}

TEST(SseMessage, CaughtUpHasNoIdAndHeartbeatIsAComment) {
  v1::FeedEvent caught_up;
  caught_up.set_kind(v1::EVENT_KIND_CAUGHT_UP);
  caught_up.set_head_sequence(7);
  EXPECT_EQ(SseMessage(caught_up),
            "event: caught_up\ndata: {\"kind\":\"EVENT_KIND_CAUGHT_UP\",\"head_sequence\":\"7\"}"
            "\n\n");
  v1::FeedEvent heartbeat;
  heartbeat.set_kind(v1::EVENT_KIND_HEARTBEAT);
  heartbeat.set_head_sequence(7);
  EXPECT_EQ(SseMessage(heartbeat), ": heartbeat 7\n\n");
}

TEST(SseEncoder, SharedFrameIsEncodedOnceAndHeartbeatsAreNotKept) {
  FrameWriter writer;
  const SharedFrame a = writer.Frame(Published(1, "A"));
  const SharedFrame b = writer.Frame(Published(2, "B"));
  SseEncoder encoder(/*cache_entries=*/2, /*run_cache_bytes=*/0);
  std::vector<FrameRun> runs;
  AppendRun(*a, runs);
  AppendRun(*b, runs);
  ASSERT_EQ(runs.size(), 1u);  // Side by side in one chunk.

  std::vector<std::shared_ptr<const std::string>> first, second;
  EXPECT_EQ(encoder.Encode(runs, first), 2u);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(*first[0], SseMessage(Published(1, "A")));
  EXPECT_EQ(*first[1], SseMessage(Published(2, "B")));
  encoder.Encode(runs, second);
  EXPECT_EQ(second[0].get(), first[0].get());
  EXPECT_EQ(second[1].get(), first[1].get());

  // Past its capacity the oldest text goes, and is made anew (equal).
  const SharedFrame c = writer.Frame(Published(3, "C"));
  std::vector<FrameRun> third_run;
  AppendRun(*c, third_run);
  std::vector<std::shared_ptr<const std::string>> third, again;
  encoder.Encode(third_run, third);
  encoder.Encode(runs, again);
  EXPECT_NE(again[0].get(), first[0].get());
  EXPECT_EQ(*again[0], *first[0]);

  std::vector<FrameRun> beat;
  AppendRun(*FrameHeartbeat(9), beat);
  std::vector<std::shared_ptr<const std::string>> out;
  encoder.Encode(beat, out);
  encoder.Encode(beat, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(*out[0], ": heartbeat 9\n\n");
  EXPECT_NE(out[0].get(), out[1].get());
}

TEST(SseEncoder, ARunOfSeveralEventsIsOneSharedPiece) {
  FrameWriter writer;
  std::vector<FrameRun> runs;
  for (uint64_t n = 1; n <= 3; ++n) AppendRun(*writer.Frame(Published(n, "X")), runs);
  ASSERT_EQ(runs.size(), 1u);
  SseEncoder encoder;
  std::vector<std::shared_ptr<const std::string>> first, second;
  EXPECT_EQ(encoder.Encode(runs, first), 3u);
  EXPECT_EQ(encoder.Encode(runs, second), 3u);
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(first[0].get(), second[0].get());
  EXPECT_EQ(*first[0], SseMessage(Published(1, "X")) + SseMessage(Published(2, "X")) +
                           SseMessage(Published(3, "X")));
}

}  // namespace
}  // namespace newswire
