// The feed routes' RFC 5005 archive pages, called as the HTTP server calls
// them, over an archive in memory (the subscription document is tested
// from Python).
#include "service/http_feeds.h"

#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "core/policy/gate.h"
#include "core/policy/key_store.h"
#include "core/policy/key_table.h"
#include "gtest/gtest.h"
#include "tests/core/memory_archive.h"

namespace newswire {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'700'000'000);

class ArchivePagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int n = 1; n <= 250; ++n) {
      Article a;
      a.set_id(absl::StrCat("urn:t:", n));
      a.set_version(1);
      a.set_headline(absl::StrCat("Story ", n));
      a.set_body_text(absl::StrCat("Story ", n, " text."));
      a.add_places()->set_name(n % 2 == 0 ? "Kyiv" : "Lviv");
      NormalizeArticle(a);
      ASSERT_TRUE(store_.Append(a, kNow + absl::Seconds(n)).ok());
    }
    for (HttpRoute& route : FeedRoutes(store_, gate_)) {
      if (route.path == "/v1/feed.atom") atom_ = std::move(route.handler);
    }
    ASSERT_TRUE(atom_ != nullptr);
  }

  HttpResponse Get(const std::string& query) {
    HttpRequest request;
    request.method = "GET";
    request.path = "/v1/feed.atom";
    request.query = query;
    request.headers = {{"host", "wire.test"}};
    return atom_(request);
  }

  static std::string Header(const HttpResponse& response, const std::string& name) {
    for (const auto& [key, value] : response.headers) {
      if (key == name) return value;
    }
    return "";
  }

  static int Entries(const HttpResponse& response) {
    int count = 0;
    for (size_t at = response.body.find("<entry>"); at != std::string::npos;
         at = response.body.find("<entry>", at + 1)) {
      ++count;
    }
    return count;
  }

  const std::unique_ptr<SqliteStore> archive_ = NewMemoryArchive();
  SqliteStore& store_ = *archive_;
  // No keys: every request is admitted, as on a server without keys.
  std::unique_ptr<KeyTable> keys_ = *KeyTable::Open(OpenMemoryKeyStore());
  Gate gate_{keys_.get(), &store_};
  HttpHandler atom_;
};

TEST_F(ArchivePagesTest, CompletePagesAreImmutableAndLinkBothWays) {
  const HttpResponse page = Get("page=1");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(Entries(page), 100);
  EXPECT_EQ(Header(page, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(Header(page, "Link"),
            "<http://wire.test/v1/feed.atom>; rel=\"current\", "
            "<http://wire.test/v1/feed.atom?page=0>; rel=\"prev-archive\", "
            "<http://wire.test/v1/feed.atom?page=2>; rel=\"next-archive\"");
  // Newest first: the page's last event comes first.
  EXPECT_LT(page.body.find("Story 200"), page.body.find("Story 101"));
  EXPECT_FALSE(absl::StrContains(page.body, "Story 201<"));
  EXPECT_FALSE(absl::StrContains(page.body, "Story 100<"));
}

TEST_F(ArchivePagesTest, ThePageStillFillingIsShortLivedAndLinksNoNewerPage) {
  const HttpResponse page = Get("page=2");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(Entries(page), 50);
  EXPECT_EQ(Header(page, "Cache-Control"), "public, max-age=30");
  EXPECT_FALSE(absl::StrContains(Header(page, "Link"), "next-archive"));
  const HttpResponse beyond = Get("page=3");
  EXPECT_EQ(beyond.status, 404);
  EXPECT_TRUE(absl::StrContains(beyond.body, "page 3")) << beyond.body;
}

TEST_F(ArchivePagesTest, AFilterMakesSparsePagesAndStaysInTheLinks) {
  const HttpResponse page = Get("place=Kyiv&page=0");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(Entries(page), 50);
  EXPECT_TRUE(absl::StrContains(Header(page, "Link"),
                                "<http://wire.test/v1/feed.atom?place=Kyiv&page=1>"));
  EXPECT_FALSE(absl::StrContains(page.body, "Story 1<"));
}

TEST_F(ArchivePagesTest, CompactedPagesAreGoneAndNotLinked) {
  ASSERT_TRUE(store_.Compact({.max_events = 120}, kNow + absl::Hours(1)).ok());
  ASSERT_EQ(store_.OldestSequence(), 131u);
  const HttpResponse gone = Get("page=0");
  EXPECT_EQ(gone.status, 410);
  EXPECT_TRUE(absl::StrContains(gone.body, "the oldest is 1")) << gone.body;
  const HttpResponse page = Get("page=1");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(Entries(page), 70);
  EXPECT_FALSE(absl::StrContains(Header(page, "Link"), "prev-archive"));
}

TEST_F(ArchivePagesTest, ABadPageIsRefusedNamingTheParameter) {
  for (const char* query : {"page=x", "page=-1", "page=+1", "page=", "page=1e3"}) {
    const HttpResponse response = Get(query);
    EXPECT_EQ(response.status, 400) << query;
    EXPECT_TRUE(absl::StartsWith(response.body, "page must be")) << response.body;
  }
}

}  // namespace
}  // namespace newswire
