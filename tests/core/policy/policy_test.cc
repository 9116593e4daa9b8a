#include "core/policy/policy.h"

#include "core/search/filter_query.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace newswire {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A key's principal with `scopes`, `sources` and the entitlement `filter`
// (as query parameters).
Principal KeyPrincipal(std::vector<v1::Scope> scopes,
                       std::vector<std::string> sources = {},
                       const std::string& filter = "") {
  v1::ApiKey key;
  key.set_id("k1");
  key.set_name("desk");
  for (v1::Scope s : scopes) key.mutable_entitlements()->add_scopes(s);
  for (const std::string& s : sources) key.mutable_entitlements()->add_sources(s);
  *key.mutable_entitlements()->mutable_filter() = *ParseFilterQuery(filter);
  return Principal(key, Principal::Via::kKey);
}

Article Story(const std::string& source, const std::string& language = "en",
              uint32_t urgency = 3) {
  Article article;
  article.set_id("urn:story:1");
  article.set_headline("Grain exports resume");
  article.mutable_source()->set_name(source);
  article.set_language(language);
  article.set_urgency(urgency);
  article.add_places()->set_name("Odesa");
  return article;
}

TEST(Policy, ScopesAreNamedWhenMissing) {
  Principal reader = KeyPrincipal({v1::SCOPE_SUBSCRIBE});
  EXPECT_TRUE(RequireScope(reader, v1::SCOPE_SUBSCRIBE).ok());
  absl::Status denied = RequireScope(reader, v1::SCOPE_PUBLISH);
  EXPECT_EQ(denied.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(denied.message(), HasSubstr("publish scope"));
  EXPECT_THAT(denied.message(), HasSubstr("\"desk\" (k1)"));
}

TEST(Policy, PublishOnlyAsOwnSources) {
  Principal ap = KeyPrincipal({v1::SCOPE_PUBLISH}, {"AP"});
  EXPECT_TRUE(AuthorizePublish(ap, Story("ap"), nullptr).ok());
  absl::Status as_reuters = AuthorizePublish(ap, Story("Reuters"), nullptr);
  EXPECT_EQ(as_reuters.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(as_reuters.message(), HasSubstr("\"Reuters\""));
  EXPECT_FALSE(AuthorizePublish(ap, Story(""), nullptr).ok());
  Principal anyone = KeyPrincipal({v1::SCOPE_PUBLISH});
  EXPECT_TRUE(AuthorizePublish(anyone, Story("Reuters"), nullptr).ok());
  EXPECT_FALSE(
      AuthorizePublish(KeyPrincipal({v1::SCOPE_SEARCH}), Story("AP"), nullptr).ok());
}

TEST(Policy, KillOrUpdateOfAnotherSourcesStoryIsRefused) {
  Principal ap = KeyPrincipal({v1::SCOPE_PUBLISH}, {"AP"});
  const Article stored = Story("Reuters");
  Article kill = Story("AP");
  kill.set_pub_status(v1::PUB_STATUS_CANCELED);
  absl::Status denied = AuthorizePublish(ap, kill, &stored);
  EXPECT_EQ(denied.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(denied.message(), HasSubstr("story of source \"Reuters\""));
  const Article own = Story("AP");
  EXPECT_TRUE(AuthorizePublish(ap, kill, &own).ok());
}

TEST(Policy, UnfilteredRequestIsNarrowedToTheEntitlement) {
  Principal key =
      KeyPrincipal({v1::SCOPE_SUBSCRIBE}, {"AP", "Reuters"}, "lang=en&min_urgency=5");
  absl::StatusOr<v1::Filter> filter = EntitledFilter(key, v1::Filter());
  ASSERT_TRUE(filter.ok()) << filter.status();
  EXPECT_THAT(filter->sources(), ElementsAre("AP", "Reuters"));
  EXPECT_THAT(filter->languages(), ElementsAre("en"));
  EXPECT_EQ(filter->min_urgency(), 5u);
}

TEST(Policy, BroaderRequestIsNarrowedSilently) {
  Principal key = KeyPrincipal({v1::SCOPE_SUBSCRIBE}, {"AP"}, "lang=en&min_urgency=3");
  v1::Filter asked =
      *ParseFilterQuery("source=ap&source=BBC&lang=en-GB&lang=fr&min_urgency=6");
  absl::StatusOr<v1::Filter> filter = EntitledFilter(key, asked);
  ASSERT_TRUE(filter.ok()) << filter.status();
  EXPECT_THAT(filter->sources(), ElementsAre("ap"));
  EXPECT_THAT(filter->languages(), ElementsAre("en-GB"));
  EXPECT_EQ(filter->min_urgency(), 3u);
}

TEST(Policy, NarrowerLanguageOfEachPairIsKept) {
  Principal key = KeyPrincipal({v1::SCOPE_SUBSCRIBE}, {}, "lang=en-US");
  absl::StatusOr<v1::Filter> filter = EntitledFilter(key, *ParseFilterQuery("lang=en"));
  ASSERT_TRUE(filter.ok()) << filter.status();
  EXPECT_THAT(filter->languages(), ElementsAre("en-US"));
}

TEST(Policy, DisjointRequestIsDeniedNamingTheField) {
  Principal key = KeyPrincipal({v1::SCOPE_SUBSCRIBE}, {"AP"}, "place=Odesa");
  absl::StatusOr<v1::Filter> sources =
      EntitledFilter(key, *ParseFilterQuery("source=Reuters"));
  ASSERT_FALSE(sources.ok());
  EXPECT_EQ(sources.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(sources.status().message(), HasSubstr("filter.sources"));
  EXPECT_THAT(sources.status().message(), HasSubstr("\"AP\""));
  absl::StatusOr<v1::Filter> places =
      EntitledFilter(key, *ParseFilterQuery("place=Kyiv"));
  ASSERT_FALSE(places.ok());
  EXPECT_THAT(places.status().message(), HasSubstr("filter.places"));
}

TEST(Policy, RequestKeepsItsOwnConditions) {
  Principal key = KeyPrincipal({v1::SCOPE_SUBSCRIBE}, {"AP"});
  absl::StatusOr<v1::Filter> filter = EntitledFilter(
      key, *ParseFilterQuery("place=Kyiv&q=grain&exclude_duplicates=true"));
  ASSERT_TRUE(filter.ok());
  EXPECT_THAT(filter->places(), ElementsAre("Kyiv"));
  EXPECT_EQ(filter->query(), "grain");
  EXPECT_TRUE(filter->exclude_duplicates());
  EXPECT_THAT(filter->sources(), ElementsAre("AP"));
}

TEST(Policy, ReadOutsideTheEntitlementIsDeniedNamingIt) {
  Principal key = KeyPrincipal({v1::SCOPE_SUBSCRIBE}, {"AP"}, "lang=en&min_urgency=4");
  EXPECT_TRUE(AuthorizeRead(key, Story("ap", "en-GB", 2)).ok());
  absl::Status source = AuthorizeRead(key, Story("Reuters"));
  EXPECT_EQ(source.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(source.message(), HasSubstr("sources"));
  EXPECT_THAT(AuthorizeRead(key, Story("AP", "fr")).message(), HasSubstr("languages"));
  EXPECT_THAT(AuthorizeRead(key, Story("AP", "en", 7)).message(), HasSubstr("urgenc"));
  EXPECT_TRUE(AuthorizeRead(KeyPrincipal({v1::SCOPE_SUBSCRIBE}), Story("Reuters")).ok());
}

TEST(Policy, OpenAndInProcessPrincipalsMayDoEverything) {
  for (const auto& principal : {Principal::Open(), Principal::InProcess()}) {
    for (v1::Scope s :
         {v1::SCOPE_PUBLISH, v1::SCOPE_SUBSCRIBE, v1::SCOPE_SEARCH, v1::SCOPE_ADMIN}) {
      EXPECT_TRUE(RequireScope(*principal, s).ok());
    }
    EXPECT_TRUE(AuthorizePublish(*principal, Story("Anyone"), nullptr).ok());
    v1::Filter asked = *ParseFilterQuery("place=Kyiv");
    EXPECT_EQ(EntitledFilter(*principal, asked)->SerializeAsString(),
              asked.SerializeAsString());
  }
}

TEST(FilterQuery, ParsesEveryParameter) {
  absl::StatusOr<v1::Filter> filter = ParseFilterQuery(
      "?place=New+York&place=Kyiv&subject=Politics&person=A%20B&organization=UN&source=AP"
      "&lang=en&keyword=grain&min_urgency=3&q=%22grain+deal%22&exclude_duplicates=1");
  ASSERT_TRUE(filter.ok()) << filter.status();
  EXPECT_THAT(filter->places(), ElementsAre("New York", "Kyiv"));
  EXPECT_THAT(filter->people(), ElementsAre("A B"));
  EXPECT_THAT(filter->organisations(), ElementsAre("UN"));
  EXPECT_EQ(filter->query(), "\"grain deal\"");
  EXPECT_EQ(filter->min_urgency(), 3u);
  EXPECT_TRUE(filter->exclude_duplicates());
  absl::StatusOr<v1::Filter> again = ParseFilterQuery(FilterQueryString(*filter));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->SerializeAsString(), filter->SerializeAsString());
}

TEST(FilterQuery, BadInputIsNamed) {
  EXPECT_THAT(ParseFilterQuery("colour=red").status().message(), HasSubstr("\"colour\""));
  EXPECT_THAT(ParseFilterQuery("min_urgency=high").status().message(),
              HasSubstr("min_urgency"));
  EXPECT_THAT(ParseFilterQuery("min_urgency=12").status().message(),
              HasSubstr("min_urgency"));
  EXPECT_THAT(ParseFilterQuery("lang=english_please").status().message(),
              HasSubstr("languages"));
  EXPECT_THAT(ParseFilterQuery("place=%zz").status().message(), HasSubstr("hex"));
  EXPECT_THAT(ParseFilterQuery("place=").status().message(), HasSubstr("empty"));
  EXPECT_TRUE(ParseFilterQuery("").ok());
}

}  // namespace
}  // namespace newswire
