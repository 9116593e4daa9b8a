// Embargoes: an article embargoed until later is held by the server and
// released as an event when the embargo ends, across restarts too.
#include <memory>

#include "absl/strings/str_cat.h"
#include "core/publish/embargo_clock.h"
#include "core/fanout/hub.h"
#include "core/store/sqlite_store.h"
#include "core/publish/wire.h"
#include "gtest/gtest.h"
#include "tests/core/memory_archive.h"
#include "tests/core/subscription_reader.h"
#include "tests/core/temp_dir.h"

namespace newswire {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1732000000);

Article Embargoed(const std::string& id, absl::Time until, uint32_t version = 1,
                  const std::string& headline = "Budget to be announced") {
  Article a;
  a.set_id(id);
  a.set_version(version);
  a.set_headline(headline);
  a.set_body_text("The minister will present the budget.");
  *a.mutable_embargoed_until() = ToProtoTime(until);
  return a;
}

class EmbargoTest : public ::testing::Test {
 protected:
  const std::unique_ptr<SqliteStore> archive_ = NewMemoryArchive();
  SqliteStore& store_ = *archive_;
  Hub hub_{&store_};
  absl::Time now_ = kT0;
  Wire wire_{&store_, &hub_, [this] { return now_; }};
};

TEST_F(EmbargoTest, HeldUntilTheEmbargoEndsThenPublished) {
  Reader reader(hub_, {.start = v1::SubscribeRequest::START_LATEST});
  reader.Drain();
  auto held = wire_.Publish(Embargoed("urn:e:1", kT0 + absl::Hours(1)));
  ASSERT_TRUE(held.ok()) << held.status();
  EXPECT_TRUE(held->held);
  EXPECT_EQ(held->sequence, 0u);
  // Nowhere to be seen while held.
  EXPECT_EQ(store_.HeadSequence(), 0u);
  EXPECT_EQ(store_.GetArticle("urn:e:1", 0).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Reader::ArticleCount(reader.Drain()), 0u);
  // Publishing it again is a duplicate; different content is refused.
  auto again = wire_.Publish(Embargoed("urn:e:1", kT0 + absl::Hours(1)));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate && again->held);
  auto changed = wire_.Publish(Embargoed("urn:e:1", kT0 + absl::Hours(1), 1, "Other"));
  EXPECT_EQ(changed.status().code(), absl::StatusCode::kFailedPrecondition);

  now_ = kT0 + absl::Minutes(59);
  EXPECT_EQ(*wire_.ReleaseDue(), 0u);
  now_ = kT0 + absl::Hours(1);
  EXPECT_EQ(*wire_.ReleaseDue(), 1u);
  auto events = reader.Drain();
  ASSERT_EQ(Reader::ArticleCount(events), 1u);
  EXPECT_EQ(events.back().kind(), v1::EVENT_KIND_PUBLISHED);
  EXPECT_EQ(events.back().sequence(), 1u);
  EXPECT_EQ(FromProtoTime(events.back().published_at()), kT0 + absl::Hours(1));
  EXPECT_TRUE(store_.GetArticle("urn:e:1", 1).ok());
  EXPECT_EQ(*wire_.ReleaseDue(), 0u);  // Released once.
  EXPECT_FALSE(store_.NextRelease()->has_value());
}

TEST_F(EmbargoTest, ReleasedInEmbargoOrderAndPastEmbargoesPublishAtOnce) {
  ASSERT_TRUE(wire_.Publish(Embargoed("urn:e:late", kT0 + absl::Hours(2))).ok());
  ASSERT_TRUE(wire_.Publish(Embargoed("urn:e:soon", kT0 + absl::Hours(1))).ok());
  auto past = wire_.Publish(Embargoed("urn:e:past", kT0 - absl::Hours(1)));
  ASSERT_TRUE(past.ok());
  EXPECT_FALSE(past->held);
  EXPECT_EQ(past->sequence, 1u);
  EXPECT_EQ(*store_.NextRelease(), kT0 + absl::Hours(1));
  now_ = kT0 + absl::Hours(3);
  EXPECT_EQ(*wire_.ReleaseDue(), 2u);
  EXPECT_EQ(store_.GetArticle("urn:e:soon", 0)->sequence, 2u);
  EXPECT_EQ(store_.GetArticle("urn:e:late", 0)->sequence, 3u);
}

TEST_F(EmbargoTest, AHeldVersionOvertakenBeforeItsReleaseIsDropped) {
  ASSERT_TRUE(wire_.Publish(Embargoed("urn:e:1", kT0 + absl::Hours(1))).ok());
  Article kill = Embargoed("urn:e:1", kT0 - absl::Hours(1), 2);
  kill.set_pub_status(v1::PUB_STATUS_CANCELED);
  ASSERT_TRUE(wire_.Publish(kill).ok());  // Not embargoed: a kill at once.
  now_ = kT0 + absl::Hours(1);
  EXPECT_EQ(*wire_.ReleaseDue(), 0u);
  EXPECT_EQ(store_.GetArticle("urn:e:1", 0)->article.version(), 2u);
  EXPECT_FALSE(store_.NextRelease()->has_value());
}

TEST(EmbargoArchive, HeldAcrossARestartAndReleasedOnTimeByTheClock) {
  TempDir dir;
  const absl::Time until = absl::Now() + absl::Milliseconds(1500);
  {
    auto store = SqliteStore::Open(dir.path());
    ASSERT_TRUE(store.ok()) << store.status();
    Hub hub(store->get());
    Wire wire(store->get(), &hub);
    auto held = wire.Publish(Embargoed("urn:e:restart", until));
    ASSERT_TRUE(held.ok()) << held.status();
    EXPECT_TRUE(held->held);
    ASSERT_TRUE(wire.Publish(Embargoed("urn:e:now", absl::Now() - absl::Seconds(1))).ok());
  }
  auto store = SqliteStore::Open(dir.path());
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ((*store)->HeadSequence(), 1u);
  EXPECT_EQ((*store)->GetArticle("urn:e:restart", 0).status().code(),
            absl::StatusCode::kNotFound);
  Hub hub(store->get());
  Wire wire(store->get(), &hub);
  EmbargoClock clock(&wire, store->get());
  Reader reader(hub, {.start = v1::SubscribeRequest::START_EARLIEST});
  auto events = reader.ReadUntil([](const auto& ev) { return Reader::ArticleCount(ev) >= 2; },
                                 absl::Seconds(10));
  ASSERT_EQ(Reader::ArticleCount(events), 2u);
  const FeedEvent& released = events.back();
  EXPECT_EQ(released.article().id(), "urn:e:restart");
  EXPECT_EQ(released.sequence(), 2u);
  EXPECT_GE(FromProtoTime(released.published_at()), until);
  EXPECT_LT(FromProtoTime(released.published_at()), until + absl::Seconds(1));
}

TEST(EmbargoArchive, TheClockWakesForAnEmbargoHeldWhileItSleeps) {
  auto archive = NewMemoryArchive();
  SqliteStore& store = *archive;
  Hub hub(&store);
  Wire wire(&store, &hub);
  EmbargoClock clock(&wire, &store);
  absl::SleepFor(absl::Milliseconds(50));  // The clock sleeps: nothing held.
  ASSERT_TRUE(wire.Publish(Embargoed("urn:e:1", absl::Now() + absl::Milliseconds(300))).ok());
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (store.HeadSequence() == 0 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_EQ(store.HeadSequence(), 1u);
}

}  // namespace
}  // namespace newswire
