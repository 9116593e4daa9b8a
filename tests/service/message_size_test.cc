// The largest valid article goes every way over gRPC; one over the limit is
// refused by name, before it is sent; files over a limit say their size.
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "service/cli.h"
#include "service/client.h"
#include "service/message_limits.h"
#include "service/server.h"
#include "tests/core/temp_dir.h"
#include "tests/service/cli_run.h"
#include "tests/service/loopback.h"

namespace newswire {
namespace {

// `bytes` of words, one paragraph: the derived summary must not copy it.
std::string Words(size_t bytes) {
  std::string text;
  text.reserve(bytes);
  while (text.size() + 6 <= bytes) text += "words ";
  text.resize(bytes, 'x');
  return text;
}

// body_text and body_html each at their 4 MiB limit: 8 MiB, twice gRPC's
// default message limit.
Article Largest() {
  Article a;
  a.set_id("urn:test:largest");
  a.set_headline("The longest story ever filed");
  a.set_body_text(Words(kMaxTextFieldBytes));
  a.set_body_html(absl::StrCat("<p>", Words(kMaxTextFieldBytes - 7), "</p>"));
  return a;
}

class MessageSizeTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto server = Server::Start(LoopbackOptions(GetParam() == "sqlite" ? dir_.path() : ""));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    client_ = std::make_unique<Client>(server_->address());
  }

  TempDir dir_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<Client> client_;
};

TEST_P(MessageSizeTest, TheLargestValidArticleIsPublishedReadAndStreamed) {
  const Article largest = Largest();
  // Over the default subscriber queue bound (8 MiB) too.
  ASSERT_GT(largest.ByteSizeLong(), size_t{8} << 20);
  v1::SubscribeRequest live_request;
  live_request.set_start(v1::SubscribeRequest::START_LATEST);
  live_request.set_view(v1::ARTICLE_VIEW_FULL);
  std::unique_ptr<EventStream> live = client_->Subscribe(live_request);
  absl::StatusOr<std::optional<v1::FeedEvent>> caught_up = live->Next(absl::Seconds(20));
  ASSERT_TRUE(caught_up.ok() && caught_up->has_value()) << caught_up.status();
  ASSERT_EQ((*caught_up)->kind(), v1::EVENT_KIND_CAUGHT_UP);

  absl::StatusOr<PublishResult> published = client_->Publish(largest);
  ASSERT_TRUE(published.ok()) << published.status();
  absl::StatusOr<std::optional<v1::FeedEvent>> live_event = live->Next(absl::Seconds(20));
  ASSERT_TRUE(live_event.ok() && live_event->has_value()) << live_event.status();
  EXPECT_EQ((*live_event)->article().body_text().size(), largest.body_text().size());

  absl::StatusOr<v1::GetArticleResponse> got = client_->Get("urn:test:largest");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->article().body_text().size(), largest.body_text().size());
  EXPECT_EQ(got->article().body_html(), largest.body_html());
  EXPECT_LE(got->article().summary().size(), kMaxDerivedSummaryBytes);

  v1::SubscribeRequest request;
  request.set_start(v1::SubscribeRequest::START_EARLIEST);
  request.set_view(v1::ARTICLE_VIEW_FULL);
  std::unique_ptr<EventStream> stream = client_->Subscribe(request);
  absl::StatusOr<std::optional<v1::FeedEvent>> event = stream->Next(absl::Seconds(20));
  ASSERT_TRUE(event.ok()) << event.status();
  ASSERT_TRUE(event->has_value());
  EXPECT_EQ((*event)->article().body_html().size(), largest.body_html().size());
}

TEST_P(MessageSizeTest, AnArticleOverTheLimitIsRefusedByNameBeforeItIsSent) {
  Article over = Largest();
  over.set_id("urn:test:too-large");
  over.set_summary(Words(kMaxTextFieldBytes));  // Every field within its limit.
  absl::StatusOr<PublishResult> published = client_->Publish(over);
  // Sent, it would be refused by gRPC (RESOURCE_EXHAUSTED) without a name.
  ASSERT_EQ(published.status().code(), absl::StatusCode::kInvalidArgument)
      << published.status();
  const std::string message(published.status().message());
  EXPECT_TRUE(absl::StrContains(message, "\"urn:test:too-large\"")) << message;
  EXPECT_TRUE(absl::StrContains(message, absl::StrCat(over.ByteSizeLong(), " bytes")))
      << message;
  EXPECT_TRUE(absl::StrContains(message, absl::StrCat("limit of ", kMaxArticleBytes)))
      << message;
  EXPECT_EQ(client_->Get("urn:test:too-large").status().code(), absl::StatusCode::kNotFound);
  // The server took nothing and still serves.
  EXPECT_TRUE(client_->Publish(Largest()).ok());
}

INSTANTIATE_TEST_SUITE_P(Archives, MessageSizeTest, ::testing::Values("memory", "sqlite"));

// An RSS feed of one item whose description holds `body`: an HTML body,
// so the article carries it twice (body_html and body_text).
void WriteFeed(const std::string& path, const std::string& body) {
  std::ofstream(path) << "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title>"
                         "<link>https://example.com/</link><description>D</description>"
                         "<item><title>Big one</title><guid>https://example.com/big</guid>"
                         "<description>&lt;p&gt;"
                      << body << "&lt;/p&gt;</description></item></channel></rss>";
}

TEST(MessageSizeCli, AFeedItemOfSeveralMegabytesPublishes) {
  TempDir dir;
  auto server = Server::Start(LoopbackOptions());
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string feed = dir.path() + "/big.xml";
  WriteFeed(feed, Words(3600000));  // 7.2 MB as an article: over 4 MiB.
  CliRun published = Cli({"publish", "--server", (*server)->address(), feed});
  EXPECT_EQ(published.code, 0) << published.err;
  EXPECT_TRUE(absl::StrContains(published.out, "id=https://example.com/big")) << published.out;
  CliRun got = Cli({"get", "--server", (*server)->address(), "https://example.com/big"});
  EXPECT_EQ(got.code, 0) << got.err;
  EXPECT_GT(got.out.size(), size_t{3600000});
}

TEST(MessageSizeCli, AFileOverTheInputLimitSaysItsOwnSize) {
  TempDir dir;
  const std::string path = dir.path() + "/fifty.xml";
  const size_t size = 50u << 20;
  {
    std::ofstream out(path, std::ios::binary);
    out << "<rss>";
    out << std::string(size - 5, ' ');
  }
  CliRun parsed = Cli({"parse", path});
  EXPECT_EQ(parsed.code, 1);
  EXPECT_TRUE(absl::StrContains(parsed.err, absl::StrCat("file of ", size, " bytes")))
      << parsed.err;
  EXPECT_TRUE(absl::StrContains(parsed.err, "over the limit of 33554432 bytes (32 MiB)"))
      << parsed.err;
  EXPECT_TRUE(absl::StrContains(parsed.err, "fifty.xml")) << parsed.err;
}

}  // namespace
}  // namespace newswire
