#include "service/feed_cache.h"

#include <memory>
#include <string>

#include "gtest/gtest.h"

namespace newswire {
namespace {

std::shared_ptr<const FeedDocument> Document(const std::string& body) {
  auto document = std::make_shared<FeedDocument>();
  document->body = body;
  document->etag = "\"" + body + "\"";
  return document;
}

TEST(FeedCache, ADocumentIsFoundOnlyWhileTheArchiveIsUnchanged) {
  FeedCache cache;
  cache.Keep("atom?place=Kyiv", {.head = 10, .oldest = 1}, Document("ten"));
  ASSERT_NE(cache.Find("atom?place=Kyiv", {.head = 10, .oldest = 1}), nullptr);
  EXPECT_EQ(cache.Find("atom?place=Kyiv", {10, 1})->body, "ten");
  EXPECT_EQ(cache.Find("atom?place=Lviv", {10, 1}), nullptr);
  // A new event, or a compaction, and it is stale (and dropped).
  EXPECT_EQ(cache.Find("atom?place=Kyiv", {11, 1}), nullptr);
  EXPECT_EQ(cache.Find("atom?place=Kyiv", {10, 1}), nullptr);
  cache.Keep("atom?place=Kyiv", {11, 1}, Document("eleven"));
  EXPECT_EQ(cache.Find("atom?place=Kyiv", {11, 2}), nullptr);
}

TEST(FeedCache, TheLeastRecentlyUsedGoWhenFull) {
  FeedCache cache(/*max_bytes=*/30);
  cache.Keep("a", {1, 1}, Document("aaaaaaaa"));  // 9 bytes with its key.
  cache.Keep("b", {1, 1}, Document("bbbbbbbb"));
  cache.Keep("c", {1, 1}, Document("cccccccc"));
  ASSERT_NE(cache.Find("a", {1, 1}), nullptr);  // Used: b is now the oldest.
  cache.Keep("d", {1, 1}, Document("dddddddd"));
  EXPECT_NE(cache.Find("a", {1, 1}), nullptr);
  EXPECT_EQ(cache.Find("b", {1, 1}), nullptr);
  EXPECT_NE(cache.Find("c", {1, 1}), nullptr);
  EXPECT_NE(cache.Find("d", {1, 1}), nullptr);
  // A document larger than the whole cache is not kept.
  cache.Keep("e", {1, 1}, Document(std::string(100, 'e')));
  EXPECT_EQ(cache.Find("e", {1, 1}), nullptr);
  EXPECT_NE(cache.Find("d", {1, 1}), nullptr);
}

}  // namespace
}  // namespace newswire
