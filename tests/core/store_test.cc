#include "core/memory_store.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace newswire {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1732000000);

Article Story(const std::string& id, uint32_t version, const std::string& headline) {
  Article a;
  a.set_id(id);
  a.set_version(version);
  a.set_headline(headline);
  a.set_body_text("Body of " + headline + ".");
  NormalizeArticle(a);
  return a;
}

TEST(MemoryStore, AssignsContiguousSequencesFromOne) {
  MemoryStore store;
  EXPECT_EQ(store.HeadSequence(), 0u);
  for (int i = 1; i <= 3; ++i) {
    auto r = store.Append(Story(absl::StrCat("urn:t:", i), 1, "h"), kNow);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->sequence, static_cast<uint64_t>(i));
    EXPECT_FALSE(r->duplicate);
    EXPECT_EQ(r->event.kind(), v1::EVENT_KIND_PUBLISHED);
  }
  EXPECT_EQ(store.HeadSequence(), 3u);
  auto events = store.ReadAfter(1, 10);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].sequence(), 2u);
  EXPECT_EQ((*events)[1].sequence(), 3u);
  EXPECT_EQ(store.ReadAfter(3, 10)->size(), 0u);
  EXPECT_EQ(store.ReadAfter(0, 2)->size(), 2u);
}

TEST(MemoryStore, SameIdAndVersionWithSameContentIsDuplicate) {
  MemoryStore store;
  ASSERT_TRUE(store.Append(Story("urn:t:1", 1, "First"), kNow).ok());
  auto again = store.Append(Story("urn:t:1", 1, "First"), kNow + absl::Minutes(1));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->sequence, 1u);
  EXPECT_EQ(store.HeadSequence(), 1u);
}

TEST(MemoryStore, VersionsUpdateKillAndConflict) {
  MemoryStore store;
  ASSERT_TRUE(store.Append(Story("urn:t:1", 1, "First"), kNow).ok());
  auto v2 = store.Append(Story("urn:t:1", 2, "First, updated"), kNow + absl::Hours(1));
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(v2->event.kind(), v1::EVENT_KIND_UPDATED);
  // A later version keeps the first version's creation time.
  EXPECT_EQ(v2->event.article().first_created().seconds(), absl::ToUnixSeconds(kNow));
  EXPECT_EQ(v2->event.article().version_created().seconds(),
            absl::ToUnixSeconds(kNow + absl::Hours(1)));

  auto conflict = store.Append(Story("urn:t:1", 2, "Different text"), kNow);
  EXPECT_EQ(conflict.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(conflict.status().message().find("current version is 2"), std::string::npos)
      << conflict.status();
  auto older = store.Append(Story("urn:t:1", 1, "Something else"), kNow);
  EXPECT_EQ(older.status().code(), absl::StatusCode::kFailedPrecondition);

  Article kill = Story("urn:t:1", 3, "First, updated");
  kill.set_pub_status(v1::PUB_STATUS_CANCELED);
  auto killed = store.Append(kill, kNow);
  ASSERT_TRUE(killed.ok());
  EXPECT_EQ(killed->event.kind(), v1::EVENT_KIND_KILLED);
  EXPECT_EQ(store.HeadSequence(), 3u);
}

TEST(MemoryStore, GetArticleByIdAndVersion) {
  MemoryStore store;
  ASSERT_TRUE(store.Append(Story("urn:t:1", 1, "First"), kNow).ok());
  ASSERT_TRUE(store.Append(Story("urn:t:1", 2, "Second"), kNow).ok());
  auto current = store.GetArticle("urn:t:1", 0);
  ASSERT_TRUE(current.ok());
  EXPECT_EQ(current->article.headline(), "Second");
  EXPECT_EQ(current->sequence, 2u);
  EXPECT_EQ(store.GetArticle("urn:t:1", 1)->article.headline(), "First");
  EXPECT_EQ(store.GetArticle("urn:t:1", 7).status().code(), absl::StatusCode::kNotFound);
  auto missing = store.GetArticle("urn:t:404", 0);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("urn:t:404"), std::string::npos);
}

}  // namespace
}  // namespace newswire
