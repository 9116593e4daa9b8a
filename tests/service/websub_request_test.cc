// The WebSub hub's reading of subscription requests: what it accepts, and
// the parameter it names when it refuses.
#include "service/websub_request.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace newswire {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kTopic[] =
    "http%3A%2F%2Fwire.example%3A8080%2Fv1%2Ffeed.atom%3Fplace%3DKyiv";

std::string Form(absl::string_view rest) {
  return absl::StrCat("hub.mode=subscribe&hub.topic=", kTopic,
                      "&hub.callback=https%3A%2F%2Freader.example%2Fcb%3Fid%3D7", rest);
}

// The message of the error parsing `form` gives (empty when it parses).
std::string Refusal(absl::string_view form) {
  absl::StatusOr<WebSubRequest> request = ParseWebSubRequest(form);
  if (request.ok()) return "";
  EXPECT_EQ(request.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(request.status().message());
}

// The message of the error reading `url` as a topic gives.
std::string TopicRefusal(absl::string_view url) {
  return std::string(ParseWebSubTopic(url).status().message());
}

TEST(WebSubRequest, ReadsASubscription) {
  auto request =
      ParseWebSubRequest(Form("&hub.lease_seconds=3600&hub.secret=s%26cret+x"));
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->mode, WebSubMode::kSubscribe);
  EXPECT_EQ(request->topic.url, "http://wire.example:8080/v1/feed.atom?place=Kyiv");
  EXPECT_EQ(request->topic.base, "http://wire.example:8080");
  EXPECT_EQ(request->topic.format->path, "/v1/feed.atom");
  ASSERT_EQ(request->topic.filter.places_size(), 1);
  EXPECT_EQ(request->topic.filter.places(0), "Kyiv");
  EXPECT_EQ(request->topic.feed_id, "http://wire.example:8080/v1/feed?place=Kyiv");
  EXPECT_EQ(request->callback, "https://reader.example/cb?id=7");
  EXPECT_EQ(request->lease_seconds, 3600u);
  EXPECT_EQ(request->secret, "s&cret x");
  EXPECT_EQ(WebSubHubUrl(request->topic), "http://wire.example:8080/v1/websub");
}

TEST(WebSubRequest, LeaseAndSecretAreOptionalAndOtherParametersIgnored) {
  auto request = ParseWebSubRequest(Form("&hub.extension=1&other"));
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_FALSE(request->lease_seconds.has_value());
  EXPECT_EQ(request->secret, "");
}

TEST(WebSubRequest, ReadsAnUnsubscription) {
  auto request = ParseWebSubRequest(
      "hub.callback=http%3A%2F%2F127.0.0.1%3A9%2F&hub.mode=unsubscribe&"
      "hub.topic=https%3A%2F%2Fh%2Fv1%2Ffeed.json");
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->mode, WebSubMode::kUnsubscribe);
  EXPECT_EQ(request->topic.format->path, "/v1/feed.json");
  EXPECT_EQ(request->topic.feed_id, "https://h/v1/feed");
}

TEST(WebSubRequest, NamesTheParameterThatIsMissing) {
  EXPECT_THAT(Refusal(""), StartsWith("hub.mode"));
  EXPECT_THAT(Refusal("hub.mode=subscribe&hub.callback=http%3A%2F%2Fa%2F"),
              StartsWith("hub.topic"));
  EXPECT_THAT(Refusal(absl::StrCat("hub.mode=subscribe&hub.topic=", kTopic)),
              StartsWith("hub.callback"));
}

TEST(WebSubRequest, NamesTheParameterThatIsBad) {
  EXPECT_THAT(Refusal("hub.mode=publish"), StartsWith("hub.mode"));
  EXPECT_THAT(Refusal(Form("&hub.lease_seconds=-5")), StartsWith("hub.lease_seconds"));
  EXPECT_THAT(Refusal(Form("&hub.lease_seconds=1e3")), StartsWith("hub.lease_seconds"));
  EXPECT_THAT(Refusal(Form("&hub.secret=") + std::string(200, 'x')),
              StartsWith("hub.secret"));
  EXPECT_EQ(Refusal(Form("&hub.secret=") + std::string(199, 'x')), "");
  EXPECT_THAT(Refusal(Form("&hub.mode=subscribe")), StartsWith("hub.mode: given twice"));
  EXPECT_THAT(Refusal(Form("&hub.secret=%zz")), StartsWith("hub.secret"));
}

TEST(WebSubRequest, CallbackMustBeHttpOrHttps) {
  for (const char* callback : {"ftp%3A%2F%2Fa%2F", "a%2Fb", "http%3A%2F%2F",
                               "http%3A%2F%2Fa%2F%23frag", "http%3A%2F%2Fa%2F+b"}) {
    EXPECT_THAT(Refusal(absl::StrCat("hub.mode=subscribe&hub.topic=", kTopic,
                                     "&hub.callback=", callback)),
                StartsWith("hub.callback"))
        << callback;
  }
}

TEST(WebSubTopic, MustBeAFeedOfThisServerWithAValidFilter) {
  EXPECT_TRUE(ParseWebSubTopic("http://any.host/v1/feed.rss?lang=en&limit=10").ok());
  EXPECT_TRUE(ParseWebSubTopic("HTTPS://any.host/v1/feed.json").ok());
  EXPECT_THAT(TopicRefusal("http://h/v1/feed.xml"), HasSubstr("not a feed of this hub"));
  EXPECT_THAT(TopicRefusal("http://h/v1/stream"), StartsWith("hub.topic"));
  EXPECT_THAT(TopicRefusal("http://h/v1/feed.atom?colour=red"), StartsWith("hub.topic"));
  EXPECT_THAT(TopicRefusal("http://h/v1/feed.atom?limit=0"),
              StartsWith("hub.topic: limit"));
  EXPECT_THAT(TopicRefusal("urn:x"), StartsWith("hub.topic"));
}

TEST(WebSubTopic, FeedIdIsTheCanonicalFilter) {
  auto a = ParseWebSubTopic("http://h/v1/feed.atom?lang=en&place=Kyiv&limit=5");
  auto b = ParseWebSubTopic("http://h/v1/feed.rss?place=Kyiv&language=en");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->feed_id, b->feed_id);
  EXPECT_NE(a->url, b->url);
}

TEST(WebSubRequest, AppendQueryKeepsTheCallbacksOwnQuery) {
  EXPECT_EQ(AppendQuery("http://a/cb", "x=1"), "http://a/cb?x=1");
  EXPECT_EQ(AppendQuery("http://a/cb?id=7", "x=1"), "http://a/cb?id=7&x=1");
}

}  // namespace
}  // namespace newswire
