// Subscription queries matched in memory: the same answers as search.
#include "core/search/live_query.h"

#include <random>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/store/sqlite_store.h"
#include "gtest/gtest.h"
#include "tests/core/temp_dir.h"

namespace newswire {
namespace {

Article Story(const std::string& headline, const std::string& body,
              const std::string& dateline = "") {
  Article a;
  a.set_headline(headline);
  a.set_dateline(dateline);
  a.set_body_text(body);
  return a;
}

bool Matches(const std::string& query, const Article& article) {
  absl::StatusOr<LiveQuery> q = LiveQuery::Compile(query);
  EXPECT_TRUE(q.ok()) << q.status();
  return q.ok() && q->Matches(ArticleText(article));
}

TEST(LiveQuery, WordsPhrasesOrAndPrefixes) {
  const Article a = Story("Drones strike Kyiv overnight", "Air defence shot down most of them.",
                          "KYIV, Ukraine");
  EXPECT_TRUE(Matches("drones", a));
  EXPECT_TRUE(Matches("DRONES kyiv", a));
  EXPECT_FALSE(Matches("drones missiles", a));
  EXPECT_TRUE(Matches("drones OR missiles", a));
  EXPECT_TRUE(Matches("missiles OR defence", a));
  EXPECT_TRUE(Matches("\"air defence\"", a));
  EXPECT_FALSE(Matches("\"defence air\"", a));
  EXPECT_TRUE(Matches("overn*", a));
  EXPECT_FALSE(Matches("overnite*", a));
  // Side by side binds tighter than OR: (missiles AND kyiv) OR ukraine.
  EXPECT_TRUE(Matches("missiles kyiv OR ukraine", a));
  EXPECT_FALSE(Matches("missiles kyiv OR paris", a));
}

TEST(LiveQuery, CaseAccentsAndPunctuationAsTheSearchIndexSeesThem) {
  const Article a = Story("Café owners in Kyïv protest U.S. tariffs", "Japan’s envoy spoke.");
  EXPECT_TRUE(Matches("cafe", a));
  EXPECT_TRUE(Matches("CAFÉ kyiv", a));
  EXPECT_TRUE(Matches("\"u.s\"", a));
  EXPECT_TRUE(Matches("\"u s tariffs\"", a));
  EXPECT_TRUE(Matches("japan", a));
}

TEST(LiveQuery, APhraseNeverSpansTwoFields) {
  const Article a = Story("Talks end", "Without a deal.", "GENEVA");
  EXPECT_TRUE(Matches("\"talks end\"", a));
  EXPECT_FALSE(Matches("\"geneva talks\"", a));
  EXPECT_FALSE(Matches("\"end without\"", a));
}

TEST(LiveQuery, SymbolsOnlyPhrasesAreNoCondition) {
  const Article a = Story("Markets rally", "Stocks rose.");
  EXPECT_TRUE(Matches("markets \"©\"", a));
  EXPECT_FALSE(Matches("\"©\" OR bonds", a));
  EXPECT_FALSE(LiveQuery::Compile("\"©\"").ok());
}

TEST(LiveQuery, BadQueriesAreRefusedAsSearchRefusesThem) {
  for (const char* bad : {"\"unclosed", "OR drones", "drones OR", "--- ...", ""}) {
    auto q = LiveQuery::Compile(bad);
    EXPECT_EQ(q.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_TRUE(absl::StartsWith(q.status().message(), "query:")) << q.status();
  }
}

TEST(LiveQuery, AnchorsCoverEveryBranch) {
  auto q = LiveQuery::Compile("drone* strike OR \"air defence\" OR kyi*");
  ASSERT_TRUE(q.ok());
  std::vector<std::string> anchors;
  for (const auto& a : q->Anchors()) anchors.push_back(absl::StrCat(a.word, a.prefix ? "*" : ""));
  EXPECT_EQ(anchors, (std::vector<std::string>{"strike", "defence", "kyi*"}));
}

// The same queries over the same random articles: search (the FTS index)
// and live matching return the same articles.
TEST(LiveQuery, AgreesWithSearchOverRandomArticlesAndQueries) {
  const std::vector<std::string> vocab = {
      "drone",  "drones", "Kyiv",   "Kyïv",  "café",   "cafe",    "U.S.",   "talks",
      "strike", "strikes", "peace", "port",  "portal", "Japan’s", "market", "rally",
      "über",   "uber",    "año",   "north", "korean", "forces",  "x-ray",  "e-mail"};
  std::mt19937 rng(20261126);
  auto pick = [&](const std::vector<std::string>& from) {
    return from[std::uniform_int_distribution<size_t>(0, from.size() - 1)(rng)];
  };
  auto sentence = [&](int words) {
    std::vector<std::string> w;
    for (int i = 0; i < words; ++i) w.push_back(pick(vocab));
    return absl::StrJoin(w, " ");
  };

  TempDir dir;
  auto store = SqliteStore::Open(dir.path());
  ASSERT_TRUE(store.ok()) << store.status();
  std::vector<Article> articles;
  for (int i = 0; i < 150; ++i) {
    Article a = Story(sentence(4), absl::StrCat(sentence(8), ". ", sentence(6), "."),
                      i % 3 == 0 ? sentence(1) : "");
    a.set_id(absl::StrCat("urn:q:", i));
    NormalizeArticle(a);
    ASSERT_TRUE((*store)->Append(a, absl::Now()).ok());
    articles.push_back(a);
  }

  std::vector<std::string> queries;
  for (int i = 0; i < 120; ++i) {
    switch (i % 5) {
      case 0: queries.push_back(pick(vocab)); break;
      case 1: queries.push_back(absl::StrCat(pick(vocab), " ", pick(vocab))); break;
      case 2: queries.push_back(absl::StrCat(pick(vocab), " OR ", pick(vocab), " ", pick(vocab)));
        break;
      case 3: queries.push_back(absl::StrCat("\"", pick(vocab), " ", pick(vocab), "\"")); break;
      case 4: queries.push_back(absl::StrCat(pick(vocab).substr(0, 3), "*")); break;
    }
  }
  size_t matched = 0;
  for (const std::string& query : queries) {
    auto live = LiveQuery::Compile(query);
    ASSERT_TRUE(live.ok()) << query << ": " << live.status();
    std::set<std::string> expected;
    for (const Article& a : articles) {
      if (live->Matches(ArticleText(a))) expected.insert(a.id());
    }
    std::set<std::string> found;
    v1::SearchArticlesRequest request;
    request.set_query(query);
    request.set_order(v1::SearchArticlesRequest::ORDER_NEWEST);
    request.set_page_size(100);
    do {
      auto page = (*store)->Search(request);
      ASSERT_TRUE(page.ok()) << query << ": " << page.status();
      for (const auto& hit : page->hits()) found.insert(hit.article().id());
      request.set_page_token(page->next_page_token());
    } while (!request.page_token().empty());
    EXPECT_EQ(expected, found) << "query: " << query;
    matched += expected.size();
  }
  EXPECT_GT(matched, 500u);  // The queries do match things.
}

}  // namespace
}  // namespace newswire
