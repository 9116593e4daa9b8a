#include "core/search/search_query.h"

#include "gtest/gtest.h"

namespace newswire {
namespace {

std::string Fts(absl::string_view query) {
  auto fts = ToFts5Query(query);
  EXPECT_TRUE(fts.ok()) << query << ": " << fts.status();
  return fts.ok() ? fts->Expression() : "";
}

void ExpectRejected(absl::string_view query, absl::string_view message) {
  auto fts = ToFts5Query(query);
  EXPECT_EQ(fts.status().code(), absl::StatusCode::kInvalidArgument) << query;
  EXPECT_NE(fts.status().message().find(message), absl::string_view::npos)
      << fts.status();
}

TEST(SearchQuery, WordsPhrasesOrAndPrefixes) {
  EXPECT_EQ(Fts("drones Kursk"), R"("drones" "Kursk")");
  EXPECT_EQ(Fts(R"("North Korean forces")"), R"("North Korean forces")");
  EXPECT_EQ(Fts("drones OR missiles"), R"("drones" OR "missiles")");
  EXPECT_EQ(Fts("sanction*"), R"("sanction"*)");
  EXPECT_EQ(Fts(R"(  Kyiv   "air defense"  OR  drone*  )"),
            R"("Kyiv" "air defense" OR "drone"*)");
}

TEST(SearchQuery, ListsThePhrasesInOrder) {
  auto fts = ToFts5Query(R"(Kyiv OR "air defense" Drone* São* U.S*)");
  ASSERT_TRUE(fts.ok());
  std::vector<std::string> matches, prefixes;
  for (const auto& phrase : fts->phrases) {
    matches.push_back(phrase.match);
    prefixes.push_back(phrase.plain_prefix);
  }
  EXPECT_EQ(matches, (std::vector<std::string>{R"("Kyiv")", R"("air defense")", R"("Drone"*)",
                                                R"("São"*)", R"("U.S"*)"}));
  // Only a prefix of plain letters and digits reads the same in the index.
  EXPECT_EQ(prefixes, (std::vector<std::string>{"", "", "drone", "", ""}));
  EXPECT_EQ(fts->or_before, (std::vector<bool>{false, true, false, false, false}));
  EXPECT_EQ(fts->Expression([](size_t i) { return std::to_string(i); }), "0 OR 1 2 3 4");
}

TEST(SearchQuery, PunctuationIsNeverASyntaxError) {
  EXPECT_EQ(Fts("U.S. Japan’s"), R"("U.S." "Japan’s")");
  EXPECT_EQ(Fts("AND NOT ( ) : ^"), R"("AND" "NOT")");  // Plain words here.
  EXPECT_EQ(Fts(R"(say "hi""there")"), R"("say" "hi" "there")");
  EXPECT_EQ(Fts("or"), R"("or")");  // Only upper-case OR is the operator.
}

TEST(SearchQuery, BadQueriesNameTheProblem) {
  ExpectRejected(R"(drones "North Korean)", "never closed");
  ExpectRejected("OR drones", "OR needs a term on each side");
  ExpectRejected("drones OR", "OR needs a term on each side");
  ExpectRejected("drones OR OR missiles", "OR needs a term on each side");
  ExpectRejected("", "has no word");
  ExpectRejected(" — ... ", "has no word");
  ExpectRejected(std::string(kMaxQueryBytes + 1, 'a'), "over the limit");
}

}  // namespace
}  // namespace newswire
