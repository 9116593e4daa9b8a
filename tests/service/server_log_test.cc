// The server's event log over a real server on loopback: refused publishes
// with their code, streams opened and closed with what they were sent, a
// subscriber that fell behind; never an article's text.
#include <iostream>
#include <sstream>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/base/event_log.h"
#include "gtest/gtest.h"
#include "service/client.h"
#include "service/server.h"
#include "tests/service/loopback.h"

namespace newswire {
namespace {

constexpr char kSecretBody[] = "The minister's private remarks, never to be logged.";

// Captures every event at debug and up while it lives.
class CapturedLog {
 public:
  CapturedLog() { ConfigureEventLog(out_, LogFormat::kText, LogLevel::kDebug); }
  ~CapturedLog() { ConfigureEventLog(std::cerr, LogFormat::kText, LogLevel::kWarning); }

  std::vector<std::string> Lines() const {
    return absl::StrSplit(out_.str(), '\n', absl::SkipEmpty());
  }
  // The lines of `event` (the third word of a text line).
  std::vector<std::string> Events(absl::string_view event) const {
    std::vector<std::string> out;
    for (const std::string& line : Lines()) {
      std::vector<absl::string_view> words = absl::StrSplit(line, ' ');
      if (words.size() >= 3 && words[2] == event) out.push_back(line);
    }
    return out;
  }

 private:
  std::ostringstream out_;
};

Article Story(absl::string_view headline) {
  Article a;
  a.set_headline(std::string(headline));
  a.set_body_text(kSecretBody);
  return a;
}

// Waits until `event` was logged `n` times.
bool AwaitEvents(const CapturedLog& log, absl::string_view event, size_t n) {
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (log.Events(event).size() < n) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return true;
}

TEST(ServerLog, RefusedAndAcceptedPublishesAreLoggedWithoutTheirText) {
  CapturedLog log;
  auto server = Server::Start(LoopbackOptions());
  ASSERT_TRUE(server.ok()) << server.status();
  Client client((*server)->address());

  Article bad = Story("Bad urgency");
  bad.set_id("urn:test:bad");
  bad.set_urgency(12);
  EXPECT_EQ(client.Publish(bad).status().code(), absl::StatusCode::kInvalidArgument);
  Article good = Story("Good");
  good.set_id("urn:test:good");
  ASSERT_TRUE(client.Publish(good).ok());
  Article stale = Story("Stale");
  stale.set_id("urn:test:good");
  stale.set_version(1);
  stale.set_body_text("Other text at the same version.");
  EXPECT_EQ(client.Publish(stale).status().code(), absl::StatusCode::kFailedPrecondition);

  const std::vector<std::string> refused = log.Events("publish.refused");
  ASSERT_EQ(refused.size(), 2u) << absl::StrJoin(log.Lines(), "\n");
  EXPECT_TRUE(absl::StrContains(refused[0], "code=INVALID_ARGUMENT id=urn:test:bad version=0 "
                                            "peer=ipv4:127.0.0.1:"))
      << refused[0];
  EXPECT_TRUE(absl::StrContains(refused[0], "key=open reason=\"urgency: ")) << refused[0];
  EXPECT_TRUE(absl::StrContains(refused[1], "code=FAILED_PRECONDITION id=urn:test:good version=1"))
      << refused[1];
  const std::vector<std::string> accepted = log.Events("publish.accepted");
  ASSERT_EQ(accepted.size(), 1u);
  EXPECT_TRUE(absl::StrContains(accepted[0], "id=urn:test:good version=1 sequence=1")) << accepted[0];
  for (const std::string& line : log.Lines()) {
    EXPECT_FALSE(absl::StrContains(line, "minister")) << "an article's text: " << line;
  }
}

TEST(ServerLog, StreamsAreLoggedWhenOpenedAndClosedWithWhatTheyWereSent) {
  CapturedLog log;
  auto server = Server::Start(LoopbackOptions());
  ASSERT_TRUE(server.ok()) << server.status();
  Client client((*server)->address());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(client.Publish(Story(absl::StrCat("Story ", i))).ok());

  v1::SubscribeRequest request;
  request.set_start(v1::SubscribeRequest::START_EARLIEST);
  std::unique_ptr<EventStream> stream = client.Subscribe(request);
  for (int read = 0; read < 4;) {  // Three stories and CAUGHT_UP.
    absl::StatusOr<std::optional<v1::FeedEvent>> event = stream->Next(absl::Seconds(10));
    ASSERT_TRUE(event.ok() && event->has_value()) << event.status();
    ++read;
  }
  ASSERT_TRUE(AwaitEvents(log, "stream.opened", 1));
  EXPECT_TRUE(absl::StrContains(log.Events("stream.opened")[0],
                                "key=open start=START_EARLIEST after=0 view=ARTICLE_VIEW_HEADLINE"))
      << log.Events("stream.opened")[0];
  stream.reset();  // Cancels.
  ASSERT_TRUE(AwaitEvents(log, "stream.closed", 1)) << absl::StrJoin(log.Lines(), "\n");
  const std::string closed = log.Events("stream.closed")[0];
  EXPECT_TRUE(absl::StrContains(closed, " events=4 fell_behind=0 end=")) << closed;

  // A refused subscription says why, and opens nothing.
  v1::SubscribeRequest past;
  past.set_start(v1::SubscribeRequest::START_AFTER_SEQUENCE);
  past.set_after_sequence(99);
  std::unique_ptr<EventStream> refused = client.Subscribe(past);
  EXPECT_EQ(refused->Next(absl::Seconds(10)).status().code(), absl::StatusCode::kOutOfRange);
  ASSERT_TRUE(AwaitEvents(log, "stream.refused", 1));
  EXPECT_TRUE(absl::StrContains(log.Events("stream.refused")[0], "code=OUT_OF_RANGE peer="))
      << log.Events("stream.refused")[0];
  EXPECT_EQ(log.Events("stream.opened").size(), 1u);
}

TEST(ServerLog, ASubscriberThatFallsBehindIsLogged) {
  CapturedLog log;
  ServerOptions options = LoopbackOptions();
  options.subscriptions.max_queue_bytes = 16 << 10;  // Falls behind at once.
  auto server = Server::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  Client client((*server)->address());
  v1::SubscribeRequest request;
  request.set_start(v1::SubscribeRequest::START_LATEST);
  request.set_view(v1::ARTICLE_VIEW_FULL);
  std::unique_ptr<EventStream> stream = client.Subscribe(request);
  ASSERT_TRUE(AwaitEvents(log, "stream.opened", 1));
  // Published faster than one stream takes them, with nobody reading: the
  // client's read-ahead and gRPC's window fill, then the hub's queue.
  Article big = Story("Big");
  big.set_body_text(std::string(64 << 10, 'x'));
  for (int i = 0; i < 400 && log.Events("stream.fell_behind").empty(); ++i) {
    big.set_headline(absl::StrCat("Big ", i));
    ASSERT_TRUE((*server)->wire().Publish(big).ok());
  }
  ASSERT_TRUE(AwaitEvents(log, "stream.fell_behind", 1)) << absl::StrJoin(log.Lines(), "\n");
  EXPECT_TRUE(absl::StrContains(log.Events("stream.fell_behind")[0], "times=1"));
}

}  // namespace
}  // namespace newswire
