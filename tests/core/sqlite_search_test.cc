// Full-text search of the archive.
#include "core/store/sqlite_search.h"

#include <set>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/base/sqlite.h"
#include "core/model/sha256.h"
#include "core/store/sqlite_archive.h"
#include "core/store/sqlite_store.h"
#include "gtest/gtest.h"
#include "tests/core/temp_dir.h"

namespace newswire {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1732000000);

// Every search test runs on an archive file and on an archive in memory,
// which must answer alike.
class SearchTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { Reopen(); }

  // Opens the archive: the file in dir_ (again), or a new one in memory.
  void Reopen() {
    store_.reset();
    auto store = GetParam() == "memory" ? SqliteStore::OpenInMemory()
                                        : SqliteStore::Open(dir_.path());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  // Publishes an article; `first_created` is kNow + `days`.
  uint64_t Publish(const std::string& id, const std::string& headline,
                   const std::string& body, int days = 0, uint32_t version = 1,
                   const std::string& place = "", const std::string& subject = "",
                   const std::string& language = "en") {
    Article a;
    a.set_id(id);
    a.set_version(version);
    a.set_headline(headline);
    a.set_body_text(body);
    a.set_language(language);
    if (!place.empty()) a.add_places()->set_name(place);
    if (!subject.empty()) a.add_subjects()->set_name(subject);
    *a.mutable_first_created() = ToProtoTime(kNow + absl::Hours(24 * days));
    NormalizeArticle(a);
    auto r = store_->Append(a, kNow);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->sequence : 0;
  }

  v1::SearchArticlesResponse Search(v1::SearchArticlesRequest request) {
    auto response = store_->Search(request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.value_or(v1::SearchArticlesResponse());
  }

  std::vector<std::string> Ids(const v1::SearchArticlesRequest& request) {
    std::vector<std::string> ids;
    const v1::SearchArticlesResponse response = Search(request);
    for (const auto& hit : response.hits()) ids.push_back(hit.article().id());
    return ids;
  }

  static v1::SearchArticlesRequest Query(const std::string& query) {
    v1::SearchArticlesRequest r;
    r.set_query(query);
    return r;
  }

  TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
};

INSTANTIATE_TEST_SUITE_P(Archives, SearchTest, ::testing::Values("file", "memory"),
                         [](const auto& info) { return info.param; });

// Migrations are of archive files.
using FileSearchTest = SearchTest;
INSTANTIATE_TEST_SUITE_P(Archives, FileSearchTest, ::testing::Values("file"),
                         [](const auto& info) { return info.param; });

TEST_P(SearchTest, HeadlineMatchesRankAboveBodyMatches) {
  Publish("urn:t:body", "Council meets on budget",
          "Later the council discussed drones over the city and drones in parks.");
  Publish("urn:t:head", "Drones grounded after airport scare", "Flights resumed by noon.");
  auto response = Search(Query("drones"));
  ASSERT_EQ(response.hits_size(), 2);
  EXPECT_EQ(response.hits(0).article().id(), "urn:t:head");
  EXPECT_GT(response.hits(0).score(), response.hits(1).score());
  EXPECT_TRUE(absl::StrContains(response.hits(0).snippet(), "**Drones**"))
      << response.hits(0).snippet();
  EXPECT_TRUE(response.hits(0).article().body_text().empty()) << "headline view";
}

TEST_P(SearchTest, RareWordsWeighMoreThanCommonOnes) {
  for (int i = 0; i < 30; ++i) {
    Publish(absl::StrCat("urn:t:", i), "Weekly report", "The report was filed on time.");
  }
  Publish("urn:t:zebra", "Zoo news", "A zebra was born overnight at the city zoo.");
  Publish("urn:t:report", "Zoo news", "A report was filed overnight by the city zoo.");
  v1::SearchArticlesRequest request = Query("zebra OR report");
  request.set_page_size(100);
  auto response = Search(request);
  ASSERT_GE(response.hits_size(), 2);
  // Equal length and weight: only how rare the matched word is tells them apart.
  std::vector<std::string> order;
  for (const auto& hit : response.hits()) order.push_back(hit.article().id());
  const auto zebra = std::find(order.begin(), order.end(), "urn:t:zebra");
  const auto report = std::find(order.begin(), order.end(), "urn:t:report");
  ASSERT_NE(zebra, order.end());
  ASSERT_NE(report, order.end());
  EXPECT_LT(zebra, report);
  EXPECT_GT(response.hits(0).score(), 0);
}

TEST_P(SearchTest, WordsPhrasesOrPrefixAndAccents) {
  Publish("urn:t:1", "North Korean forces seen near Kursk", "Officials said so.");
  Publish("urn:t:2", "Korean film wins in the north", "A prize in São Paulo.");
  Publish("urn:t:3", "Missile defence tested", "Sanctions were discussed.");
  EXPECT_EQ(Ids(Query(R"("North Korean")")), std::vector<std::string>{"urn:t:1"});
  EXPECT_EQ(Ids(Query("north korean")).size(), 2u);
  EXPECT_EQ(Ids(Query("Kursk OR missile")).size(), 2u);
  EXPECT_EQ(Ids(Query("sanction*")), std::vector<std::string>{"urn:t:3"});
  EXPECT_EQ(Ids(Query("sao paulo")), std::vector<std::string>{"urn:t:2"});
  EXPECT_EQ(Ids(Query("São*")), std::vector<std::string>{"urn:t:2"});  // FTS5's own prefix.
  EXPECT_EQ(Ids(Query("kurs* OR Sanct*")).size(), 2u);
  EXPECT_TRUE(Ids(Query("zzyzx*")).empty());
}

TEST_P(SearchTest, PrefixesStandForTheWordsTheyBegin) {
  Publish("urn:t:1", "Port expansion approved", "The harbour will expand.");
  Publish("urn:t:2", "Expanse of ice", "Expanded coverage.");
  Publish("urn:t:3", "Export figures", "Nothing else.");
  const std::vector<std::string> found = Ids(Query("expan*"));
  EXPECT_EQ(std::set<std::string>(found.begin(), found.end()),
            (std::set<std::string>{"urn:t:1", "urn:t:2"}));
  auto response = Search(Query("expan*"));
  EXPECT_TRUE(absl::StrContains(response.hits(0).snippet(), "**"))
      << response.hits(0).snippet();

  std::string many;
  for (size_t i = 0; i <= kMaxPrefixWords; ++i) absl::StrAppend(&many, " qx", i);
  Publish("urn:t:4", "Codes", many);
  v1::SearchArticlesRequest broad = Query("qx*");
  auto refused = store_->Search(broad);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(refused.status().message(), "give more letters"))
      << refused.status();
  EXPECT_EQ(Ids(Query("qx10*")).size(), 1u);  // qx10 and qx100: fine.
}

TEST_P(SearchTest, FiltersCombineAnyOfWithinAndAllOfAcross) {
  Publish("urn:t:kyiv", "Power restored", "Text.", 0, 1, "Kyiv", "energy");
  Publish("urn:t:lviv", "Power restored", "Text.", 1, 1, "Lviv", "energy");
  Publish("urn:t:odesa", "Power restored", "Text.", 2, 1, "Odesa", "politics", "uk");
  v1::SearchArticlesRequest r = Query("power");
  r.mutable_filter()->add_places("kyiv");  // Case-insensitive.
  r.mutable_filter()->add_places("Odesa");
  const std::vector<std::string> either = Ids(r);
  EXPECT_EQ(std::set<std::string>(either.begin(), either.end()),
            (std::set<std::string>{"urn:t:kyiv", "urn:t:odesa"}));
  r.mutable_filter()->add_subjects("energy");
  EXPECT_EQ(Ids(r), std::vector<std::string>{"urn:t:kyiv"});

  v1::SearchArticlesRequest by_language;
  by_language.mutable_filter()->add_languages("uk");
  EXPECT_EQ(Ids(by_language), std::vector<std::string>{"urn:t:odesa"});

  // A filter alone lists the newest matches; a value matches whole, never
  // a word of it, and never the article's text.
  Publish("urn:t:ny", "Kyiv talks in New York", "Text.", 3, 1, "New York");
  v1::SearchArticlesRequest by_place;
  by_place.mutable_filter()->add_places("new york");
  EXPECT_EQ(Ids(by_place), std::vector<std::string>{"urn:t:ny"});
  by_place.mutable_filter()->set_places(0, "York");
  EXPECT_TRUE(Ids(by_place).empty());
  by_place.mutable_filter()->set_places(0, "Kyiv");
  EXPECT_EQ(Ids(by_place), std::vector<std::string>{"urn:t:kyiv"});

  // Capitals beyond ASCII too: the dateline's "GDAŃSK" finds "Gdańsk".
  Publish("urn:t:gdansk", "Harbour sold", "Text.", 4, 1, "Gda\u0144sk");
  by_place.mutable_filter()->set_places(0, "GDA\u0143SK");
  EXPECT_EQ(Ids(by_place), std::vector<std::string>{"urn:t:gdansk"});

  v1::SearchArticlesRequest by_time;
  *by_time.mutable_since() = ToProtoTime(kNow + absl::Hours(24));
  *by_time.mutable_until() = ToProtoTime(kNow + absl::Hours(48));
  EXPECT_EQ(Ids(by_time), std::vector<std::string>{"urn:t:lviv"});
}

TEST_P(SearchTest, TimeRangesFindArticlesPublishedInAnyOrder) {
  for (int day = 0; day < 30; ++day) {
    Publish(absl::StrCat("urn:t:", day), "Daily weather", "Rain.", day);
  }
  // Created on day 2, published after all the others (say, backfilled).
  Publish("urn:t:late", "Weather archive", "Rain.", 2);
  auto day_two = [](v1::SearchArticlesRequest r) {
    *r.mutable_since() = ToProtoTime(kNow + absl::Hours(48));
    *r.mutable_until() = ToProtoTime(kNow + absl::Hours(72));
    return r;
  };
  EXPECT_EQ(Ids(day_two(v1::SearchArticlesRequest())),
            (std::vector<std::string>{"urn:t:late", "urn:t:2"}));
  EXPECT_EQ(Ids(day_two(Query("rain"))).size(), 2u);
  v1::SearchArticlesRequest before = Query("rain");
  *before.mutable_until() = ToProtoTime(kNow);
  EXPECT_TRUE(Ids(before).empty());
  v1::SearchArticlesRequest since = v1::SearchArticlesRequest();
  *since.mutable_since() = ToProtoTime(kNow + absl::Hours(24 * 28));
  EXPECT_EQ(Ids(since), (std::vector<std::string>{"urn:t:29", "urn:t:28"}));
}

TEST_P(SearchTest, NewestFirstFollowsTheLatestVersions) {
  for (int i = 1; i <= 3; ++i) Publish(absl::StrCat("urn:t:", i), "Story", "Text.");
  EXPECT_EQ(Ids(v1::SearchArticlesRequest()),
            (std::vector<std::string>{"urn:t:3", "urn:t:2", "urn:t:1"}));
  // An update is news again: it moves to the top, with a query or without.
  Publish("urn:t:1", "Story updated", "Text.", 0, 2);
  EXPECT_EQ(Ids(v1::SearchArticlesRequest()),
            (std::vector<std::string>{"urn:t:1", "urn:t:3", "urn:t:2"}));
  v1::SearchArticlesRequest newest = Query("story");
  newest.set_order(v1::SearchArticlesRequest::ORDER_NEWEST);
  EXPECT_EQ(Ids(newest), (std::vector<std::string>{"urn:t:1", "urn:t:3", "urn:t:2"}));
  EXPECT_EQ(Search(newest).hits(0).snippet(), "**Story** updated");
}

TEST_P(SearchTest, UpdatesReplaceTheIndexedVersionAndKillsDisappear) {
  Publish("urn:t:1", "Bridge closed for repairs", "Traffic diverted.");
  Publish("urn:t:1", "Bridge reopens early", "Traffic flows again.", 0, 2);
  EXPECT_TRUE(Ids(Query("closed")).empty());
  EXPECT_EQ(Ids(Query("reopens")), std::vector<std::string>{"urn:t:1"});

  Article kill;
  kill.set_id("urn:t:1");
  kill.set_version(3);
  kill.set_headline("Bridge reopens early");
  kill.set_pub_status(v1::PUB_STATUS_CANCELED);
  NormalizeArticle(kill);
  ASSERT_TRUE(store_->Append(kill, kNow).ok());
  EXPECT_TRUE(Ids(Query("bridge")).empty());
  v1::SearchArticlesRequest killed = Query("bridge");
  killed.add_pub_statuses(v1::PUB_STATUS_CANCELED);
  EXPECT_EQ(Ids(killed), std::vector<std::string>{"urn:t:1"});
  killed.clear_query();  // Every killed article, newest first.
  EXPECT_EQ(Ids(killed), std::vector<std::string>{"urn:t:1"});
  Publish("urn:t:2", "Bridge opens", "Text.");
  killed.add_pub_statuses(v1::PUB_STATUS_USABLE);  // Either.
  EXPECT_EQ(Ids(killed), (std::vector<std::string>{"urn:t:2", "urn:t:1"}));
}

// Pages neither repeat nor skip while new articles arrive between them.
TEST_P(SearchTest, PagesStayCorrectWhileArticlesArrive) {
  for (int i = 0; i < 25; ++i) {
    Publish(absl::StrCat("urn:t:", i), absl::StrCat("Harbour news ", i),
            i % 5 == 0 ? "harbour harbour" : "harbour");
  }
  for (auto order : {v1::SearchArticlesRequest::ORDER_NEWEST,
                     v1::SearchArticlesRequest::ORDER_RELEVANCE}) {
    SCOPED_TRACE(order);
    v1::SearchArticlesRequest r = Query("harbour");
    r.set_order(order);
    r.set_page_size(10);
    std::vector<std::string> seen;
    int pages = 0;
    do {
      auto page = Search(r);
      for (const auto& hit : page.hits()) seen.push_back(hit.article().id());
      r.set_page_token(page.next_page_token());
      // Newcomers between pages must not show up or shift anything.
      Publish(absl::StrCat("urn:new:", order, ":", pages), "Harbour arrival", "harbour");
      ++pages;
    } while (!r.page_token().empty() && pages < 10);
    EXPECT_EQ(pages, 3);
    EXPECT_EQ(seen.size(), 25u + (order == v1::SearchArticlesRequest::ORDER_RELEVANCE ? 3 : 0))
        << "relevance pages include the 3 newcomers of the newest-order pass";
    EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), seen.size())
        << "no repeats";
  }
}

// Relevance ranks the newest kRelevanceWindow matches, so its cost does not
// grow with the archive: an older match, however strong, is found by
// newest order (or a narrower query) instead.
TEST_P(SearchTest, RelevanceRanksTheNewestMatches) {
  Publish("urn:t:old", "Lighthouse lighthouse lighthouse", "lighthouse lighthouse");
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([this, t] {
      for (int i = t; i < kRelevanceWindow; i += 8) {
        Publish(absl::StrCat("urn:t:", i), "Coast report", "A lighthouse was seen.");
      }
    });
  }
  for (auto& thread : threads) thread.join();
  auto page = Search(Query("lighthouse"));
  ASSERT_EQ(page.hits_size(), 20);
  for (const auto& hit : page.hits()) EXPECT_NE(hit.article().id(), "urn:t:old");
  EXPECT_EQ(Ids(Query("lighthouse lighthouse coast")).size(), 20u);
  v1::SearchArticlesRequest oldest_last = Query("lighthouse");
  oldest_last.set_order(v1::SearchArticlesRequest::ORDER_NEWEST);
  oldest_last.set_page_size(100);
  size_t found = 0;
  do {
    auto response = Search(oldest_last);
    for (const auto& hit : response.hits()) found += hit.article().id() == "urn:t:old";
    oldest_last.set_page_token(response.next_page_token());
  } while (!oldest_last.page_token().empty());
  EXPECT_EQ(found, 1u);
  // A strong match among the newest ranks first, with its snippet.
  Publish("urn:t:new", "Lighthouse lighthouse keeper", "lighthouse lighthouse");
  auto ranked = Search(Query("lighthouse"));
  EXPECT_EQ(ranked.hits(0).article().id(), "urn:t:new");
  EXPECT_NE(ranked.hits(0).snippet().find("**Lighthouse**"), std::string::npos)
      << ranked.hits(0).snippet();
}

TEST_P(SearchTest, BadInputIsInvalidArgumentNamingIt) {
  Publish("urn:t:1", "Story", "Text.");
  auto bad_query = store_->Search(Query(R"("unclosed)"));
  EXPECT_EQ(bad_query.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(bad_query.status().message(), "query:"));

  v1::SearchArticlesRequest bad_token = Query("story");
  bad_token.set_page_token("bm90IGEgdG9rZW4");
  EXPECT_EQ(store_->Search(bad_token).status().code(), absl::StatusCode::kInvalidArgument);

  // A token continues only the search it came from.
  v1::SearchArticlesRequest first;
  first.set_page_size(1);
  Publish("urn:t:2", "Story two", "Text.");
  auto page = store_->Search(first);
  ASSERT_TRUE(page.ok());
  v1::SearchArticlesRequest other = Query("story");
  other.set_page_token(page->next_page_token());
  auto mismatched = store_->Search(other);
  EXPECT_EQ(mismatched.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(mismatched.status().message(), "page_token"));

  v1::SearchArticlesRequest relevance_without_query;
  relevance_without_query.set_order(v1::SearchArticlesRequest::ORDER_RELEVANCE);
  EXPECT_EQ(store_->Search(relevance_without_query).status().code(),
            absl::StatusCode::kInvalidArgument);

  v1::SearchArticlesRequest wildcard;
  wildcard.mutable_filter()->add_languages("%");
  auto not_a_tag = store_->Search(wildcard);
  EXPECT_EQ(not_a_tag.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(not_a_tag.status().message(), "filter.languages"));

  v1::SearchArticlesRequest too_many;
  for (int i = 0; i < 101; ++i) too_many.mutable_filter()->add_places("x");
  auto refused = store_->Search(too_many);
  EXPECT_TRUE(absl::StrContains(refused.status().message(), "filter.places")) << refused.status();
}

// Archives indexed before schema 9 made filter values small by their ASCII
// letters only: "ŁÓDŹ" was indexed as "Łódź" would not be found by. The
// migration writes those rows' tokens again.
TEST_P(FileSearchTest, MigratingWritesFilterTokensAgainCaseBlind) {
  Publish("urn:t:lodz", "Tram depot opens", "Text.", 0, 1, "\u0141\u00d3D\u0179");
  Publish("urn:t:kyiv", "Power restored", "Text.", 1, 1, "Kyiv");
  store_.reset();
  {
    // The tokens as schema 8 wrote them: a hash of the ASCII-lowered value.
    auto db = SqliteConnection::Open(dir_.path() + "/" + kArchiveFileName,
                                     SQLITE_OPEN_READWRITE);
    ASSERT_TRUE(db.ok());
    auto old_token = [](char field, absl::string_view value) {
      return absl::StrCat("\xEE\x80\x80", std::string(1, field),
                          Sha256Hex(absl::AsciiStrToLower(value), 10));
    };
    const std::string terms = absl::StrCat(old_token('p', "\u0141\u00d3D\u0179"), " ",
                                           old_token('u', absl::StrCat(v1::PUB_STATUS_USABLE)));
    auto update = (*db)->PrepareOnce(
        "UPDATE article_text SET terms = ?1 WHERE rowid = "
        "(SELECT rowid FROM current_articles WHERE id = 'urn:t:lodz')");
    ASSERT_TRUE(update.ok());
    (*update)->BindText(1, terms);
    ASSERT_EQ((*update)->Step(), SQLITE_DONE);
    ASSERT_TRUE((*db)->Execute("PRAGMA user_version = 8").ok());
  }
  v1::SearchArticlesRequest by_place;
  by_place.mutable_filter()->add_places("\u0142\u00f3d\u017a");  // łódź
  Reopen();
  EXPECT_EQ(Ids(by_place), std::vector<std::string>{"urn:t:lodz"});
  by_place.mutable_filter()->set_places(0, "KYIV");
  EXPECT_EQ(Ids(by_place), std::vector<std::string>{"urn:t:kyiv"});
}

TEST_P(FileSearchTest, MigratingAnArchiveWithoutAnIndexBuildsIt) {
  Publish("urn:t:1", "Ferry strike ends", "Boats sail again.");
  Publish("urn:t:1", "Ferry strike ends after talks", "Boats sail again.", 0, 2);
  store_.reset();
  {
    // Take the archive back to schema version 1, as an older build left it.
    auto db = SqliteConnection::Open(dir_.path() + "/" + kArchiveFileName,
                                     SQLITE_OPEN_READWRITE);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Execute("DROP TABLE article_text; DROP TABLE article_vocab;"
                               "DROP TABLE current_articles; DROP INDEX events_by_time; DROP TABLE held;"
                               "DROP TABLE api_keys; DROP TABLE audit_log;"
                               "DROP TABLE websub_subscriptions;"
                               "PRAGMA user_version = 1;")
                    .ok());
  }
  Reopen();
  EXPECT_EQ(Ids(Query("talks")), std::vector<std::string>{"urn:t:1"});
  EXPECT_EQ(Search(Query("ferry")).hits(0).article().version(), 2u);
}

}  // namespace
}  // namespace newswire
