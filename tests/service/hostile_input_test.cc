// A hostile article published over gRPC (loopback server, real client):
// stored and sent out without a control character.
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "service/client.h"
#include "service/server.h"
#include "tests/core/hostile_text.h"
#include "tests/service/loopback.h"

namespace newswire {
namespace {

Article HostileArticle() {
  Article a;
  a.set_id("urn:example:hostile-\a1");
  a.set_headline(HostileLine());
  a.set_byline(HostileLine("Jo"));
  a.set_dateline("KYIV,\x1b[2J Ukraine");
  a.set_body_text(absl::StrCat(HostileLine("First"), "\n\nSecond\x1b]0;pwned\a paragraph."));
  a.add_places()->set_name(HostileLine("Kyiv"));
  a.add_keywords(HostileLine("Tag"));
  a.mutable_source()->set_name(HostileLine("Desk"));
  return a;
}

TEST(HostileInput, GrpcPublishStoresAndSendsCleanText) {
  auto server = Server::Start(LoopbackOptions());
  ASSERT_TRUE(server.ok()) << server.status();
  Client client((*server)->address());
  absl::StatusOr<PublishResult> published = client.Publish(HostileArticle());
  ASSERT_TRUE(published.ok()) << published.status();
  EXPECT_EQ(published->id, "urn:example:hostile-1");

  absl::StatusOr<v1::GetArticleResponse> got = client.Get(published->id);
  ASSERT_TRUE(got.ok()) << got.status();
  const Article& stored = got->article();
  ExpectNoControlCharacters(stored);
  EXPECT_EQ(stored.headline(), CleanLine());
  EXPECT_EQ(stored.byline(), CleanLine("Jo"));
  EXPECT_EQ(stored.dateline(), "KYIV, Ukraine");
  EXPECT_EQ(stored.body_text(), absl::StrCat(CleanLine("First"), "\n\nSecond paragraph."));
  EXPECT_EQ(stored.places(0).name(), CleanLine("Kyiv"));
  EXPECT_EQ(stored.keywords(0), CleanLine("Tag"));
  EXPECT_EQ(stored.source().name(), CleanLine("Desk"));

  v1::SubscribeRequest request;
  request.set_start(v1::SubscribeRequest::START_EARLIEST);
  request.set_view(v1::ARTICLE_VIEW_FULL);
  std::unique_ptr<EventStream> stream = client.Subscribe(request);
  absl::StatusOr<std::optional<v1::FeedEvent>> event = stream->Next(absl::Seconds(20));
  ASSERT_TRUE(event.ok() && event->has_value()) << event.status();
  ExpectNoControlCharacters((*event)->article());
  EXPECT_EQ((*event)->article().headline(), CleanLine());
}

TEST(HostileInput, GrpcPublishOfControlsAloneIsRefused) {
  auto server = Server::Start(LoopbackOptions());
  ASSERT_TRUE(server.ok()) << server.status();
  Client client((*server)->address());
  Article a;
  a.set_headline("\x1b[2J\x1b[H\a");
  absl::StatusOr<PublishResult> published = client.Publish(a);
  EXPECT_TRUE(absl::IsInvalidArgument(published.status())) << published.status();
  EXPECT_EQ(published.status().message(), "headline: required, but empty");
}

}  // namespace
}  // namespace newswire
