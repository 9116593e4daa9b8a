// The Store contract, run against every implementation.
#include <memory>
#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/core/any_store.h"
#include "tests/core/story.h"

namespace newswire {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1732000000);

using StoreTest = AnyStoreTest;

INSTANTIATE_TEST_SUITE_P(AllStores, StoreTest, ::testing::Values("file", "memory"),
                         [](const auto& info) { return info.param; });

// Appends `per_thread` new articles ("urn:t:T:I") from each of `threads`
// threads at once; returns when every one is stored.
void AppendFromThreads(Store& store, int threads, int per_thread) {
  std::vector<std::thread> running;
  for (int t = 0; t < threads; ++t) {
    running.emplace_back([&store, t, per_thread] {
      for (int i = 0; i < per_thread; ++i) {
        auto r = store.Append(Story(absl::StrCat("urn:t:", t, ":", i), 1, "h"), kNow);
        ASSERT_TRUE(r.ok()) << r.status();
      }
    });
  }
  for (auto& thread : running) thread.join();
}

TEST_P(StoreTest, AssignsContiguousSequencesFromOne) {
  Store& store = *store_;
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

TEST_P(StoreTest, SameIdAndVersionWithSameContentIsDuplicate) {
  Store& store = *store_;
  ASSERT_TRUE(store.Append(Story("urn:t:1", 1, "First"), kNow).ok());
  auto again = store.Append(Story("urn:t:1", 1, "First"), kNow + absl::Minutes(1));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->sequence, 1u);
  EXPECT_EQ(store.HeadSequence(), 1u);
}

TEST_P(StoreTest, VersionsUpdateKillAndConflict) {
  Store& store = *store_;
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

TEST_P(StoreTest, GetArticleByIdAndVersion) {
  Store& store = *store_;
  ASSERT_TRUE(store.Append(Story("urn:t:1", 1, "First"), kNow).ok());
  ASSERT_TRUE(store.Append(Story("urn:t:1", 2, "Second"), kNow).ok());
  auto current = store.GetArticle("urn:t:1", 0);
  ASSERT_TRUE(current.ok());
  EXPECT_EQ(current->article.headline(), "Second");
  EXPECT_EQ(current->sequence, 2u);
  EXPECT_EQ(store.GetArticle("urn:t:1", 1)->article.headline(), "First");
  auto no_version = store.GetArticle("urn:t:1", 7);
  EXPECT_EQ(no_version.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(no_version.status().message().find("current version is 2"), std::string::npos)
      << no_version.status();
  auto missing = store.GetArticle("urn:t:404", 0);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("urn:t:404"), std::string::npos);
}

TEST_P(StoreTest, CompactKeepsTheNewestEventsAndEveryArticle) {
  for (int i = 1; i <= 10; ++i) {
    ASSERT_TRUE(store_->Append(Story(absl::StrCat("urn:t:", i), 1, "h"), kNow).ok());
  }
  EXPECT_EQ(store_->OldestSequence(), 1u);
  auto deleted = store_->Compact({.max_events = 4}, kNow);
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_EQ(*deleted, 6u);
  EXPECT_EQ(store_->OldestSequence(), 7u);
  EXPECT_EQ(store_->HeadSequence(), 10u);
  auto events = store_->ReadAfter(0, 100);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 4u);
  EXPECT_EQ(events->front().sequence(), 7u);
  // Articles of compacted events are still there; duplicates still known.
  EXPECT_TRUE(store_->GetArticle("urn:t:1", 0).ok());
  auto again = store_->Append(Story("urn:t:2", 1, "h"), kNow);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->sequence, 2u);
  // Compacting again with the same policy does nothing more.
  EXPECT_EQ(*store_->Compact({.max_events = 4}, kNow), 0u);
}

TEST_P(StoreTest, CompactByAgeAndSequencesContinueAfterCompactingEverything) {
  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE(store_->Append(Story(absl::StrCat("urn:old:", i), 1, "h"), kNow).ok());
  }
  ASSERT_TRUE(store_->Append(Story("urn:new:1", 1, "h"), kNow + absl::Hours(48)).ok());
  auto deleted = store_->Compact({.max_age = absl::Hours(24)}, kNow + absl::Hours(49));
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_EQ(*deleted, 3u);
  EXPECT_EQ(store_->OldestSequence(), 4u);

  EXPECT_EQ(*store_->Compact({.max_age = absl::Hours(1)}, kNow + absl::Hours(72)), 1u);
  EXPECT_EQ(store_->OldestSequence(), 5u);
  EXPECT_EQ(store_->HeadSequence(), 4u);
  EXPECT_TRUE(store_->ReadAfter(0, 10)->empty());
  auto next = store_->Append(Story("urn:new:2", 1, "h"), kNow + absl::Hours(72));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->sequence, 5u);
  EXPECT_EQ(store_->OldestSequence(), 5u);
  EXPECT_EQ(store_->ReadAfter(4, 10)->size(), 1u);
}

TEST_P(StoreTest, ConcurrentAppendsGetContiguousSequences) {
  constexpr int kThreads = 16;
  constexpr int kPerThread = 50;
  AppendFromThreads(*store_, kThreads, kPerThread);
  ASSERT_EQ(store_->HeadSequence(), static_cast<uint64_t>(kThreads * kPerThread));
  auto events = store_->ReadAfter(0, kThreads * kPerThread + 10);
  ASSERT_TRUE(events.ok());
  for (size_t i = 0; i < events->size(); ++i) EXPECT_EQ((*events)[i].sequence(), i + 1);
}

// Reads, publishes and compaction at once: every call succeeds, and a read
// never sees a gap inside what it returns (compaction removes the oldest
// events first).
TEST_P(StoreTest, ReadsPublishesAndCompactionRunTogether) {
  constexpr int kPublishers = 4;
  constexpr int kPerPublisher = 100;
  std::atomic<bool> done{false};
  std::vector<std::thread> others;
  for (int r = 0; r < 3; ++r) {
    others.emplace_back([this, &done] {
      v1::SearchArticlesRequest search;
      search.set_query("body");
      while (!done.load()) {
        auto events = store_->ReadAfter(0, 1000);
        ASSERT_TRUE(events.ok()) << events.status();
        if (!events->empty()) {
          EXPECT_EQ(events->back().sequence() - events->front().sequence() + 1,
                    events->size());
        }
        auto found = store_->Search(search);
        ASSERT_TRUE(found.ok()) << found.status();
        auto article = store_->GetArticle("urn:t:0:0", 0);
        EXPECT_TRUE(article.ok() || absl::IsNotFound(article.status())) << article.status();
      }
    });
  }
  others.emplace_back([this, &done] {
    while (!done.load()) {
      auto compacted = store_->Compact({.max_events = 50}, kNow);
      ASSERT_TRUE(compacted.ok()) << compacted.status();
    }
  });
  AppendFromThreads(*store_, kPublishers, kPerPublisher);
  done = true;
  for (auto& t : others) t.join();
  EXPECT_EQ(store_->HeadSequence(), static_cast<uint64_t>(kPublishers * kPerPublisher));
  auto compacted = store_->Compact({.max_events = 50}, kNow);
  ASSERT_TRUE(compacted.ok()) << compacted.status();
  EXPECT_EQ(store_->ReadAfter(0, 1000)->size(), 50u);
}

TEST_P(StoreTest, ConflictInABatchFailsOnlyThatArticle) {
  ASSERT_TRUE(store_->Append(Story("urn:t:1", 2, "Current"), kNow).ok());
  std::vector<std::thread> threads;
  std::atomic<int> refused{0}, stored{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      // Even threads send a stale version, odd ones new articles.
      auto r = t % 2 == 0 ? store_->Append(Story("urn:t:1", 1, "Stale"), kNow)
                          : store_->Append(Story(absl::StrCat("urn:n:", t), 1, "N"), kNow);
      (r.ok() ? stored : refused)++;
      if (!r.ok()) {
        EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(refused, 4);
  EXPECT_EQ(stored, 4);
  EXPECT_EQ(store_->HeadSequence(), 5u);
}

}  // namespace
}  // namespace newswire
