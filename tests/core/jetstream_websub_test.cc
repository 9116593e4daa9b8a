// The cluster's WebSub subscriptions on JetStream, against a real
// nats-server on loopback: each "replica" is a shared store of its own.
#include "core/store/jetstream_websub.h"

#include <atomic>
#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/core/eventually.h"
#include "tests/core/nats_servers.h"
#include "tests/core/temp_dir.h"

namespace newswire {
namespace {

using ::testing::HasSubstr;

constexpr int kSubscriptions = 40;

WebSubRecord Record(int i, uint64_t cursor = 0) {
  WebSubRecord record;
  record.topic = absl::StrCat("http://127.0.0.1:35723/v1/feed.atom?q=topic", i);
  record.callback = absl::StrCat("http://reader.example/cb/", i);
  record.secret = i % 2 == 0 ? "" : absl::StrCat("secret\x01\xff", i);
  record.lease_end = absl::FromUnixSeconds(2'000'000'000 + i);
  record.created = absl::FromUnixSeconds(1'800'000'000);
  record.cursor = cursor;
  return record;
}

}  // namespace

// Failures name the fields, not bytes.
void PrintTo(const WebSubRecord& r, std::ostream* out) {
  *out << "{" << r.topic << " " << r.callback << " secret=" << absl::CEscape(r.secret)
       << " lease_end=" << r.lease_end << " created=" << r.created << " cursor=" << r.cursor
       << "}";
}

namespace {

class SharedWebSubTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!NatsServers::Available())
      GTEST_SKIP() << "nats-server is not installed (make deps)";
    servers_ = std::make_unique<NatsServers>(1, dir_.path() + "/nats");
    ASSERT_TRUE(servers_->ok()) << servers_->log_file(0);
  }

  JetStreamOptions Log() const {
    JetStreamOptions options;
    options.servers = servers_->urls();
    options.retry_timeout = absl::Seconds(10);
    return options;
  }

  std::unique_ptr<WebSubStore> Open(WebSubStore& local) {
    SharedWebSubOptions options;
    options.heartbeat = absl::Milliseconds(100);
    options.dead_after = absl::Seconds(1);
    absl::StatusOr<std::unique_ptr<WebSubStore>> store =
        OpenSharedWebSubStore(Log(), local, options);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }
  std::unique_ptr<WebSubStore> Open() { return Open(*empty_); }

  static std::vector<WebSubRecord> Load(const WebSubStore& store) {
    absl::StatusOr<std::vector<WebSubRecord>> records = store.Load();
    EXPECT_TRUE(records.ok()) << records.status();
    return records.ok() ? *records : std::vector<WebSubRecord>{};
  }

  // How many of `records` each store delivers to, when every record has
  // exactly one deliverer among `stores`; -1 for a record with none or two.
  static std::vector<int> Shares(const std::vector<WebSubStore*>& stores,
                                 const std::vector<WebSubRecord>& records) {
    std::vector<int> shares(stores.size(), 0);
    for (const WebSubRecord& record : records) {
      int deliverers = 0;
      for (size_t i = 0; i < stores.size(); ++i) {
        if (stores[i]->Delivers(record)) {
          ++deliverers;
          ++shares[i];
        }
      }
      if (deliverers != 1) return std::vector<int>(stores.size(), -1);
    }
    return shares;
  }

  TempDir dir_;
  std::unique_ptr<NatsServers> servers_;
  std::unique_ptr<WebSubStore> empty_ = OpenMemoryWebSubStore();
};

TEST_F(SharedWebSubTest, EverySubscriptionIsSeenByEveryReplicaAndDeliveredByOne) {
  std::unique_ptr<WebSubStore> a = Open();
  std::unique_ptr<WebSubStore> b = Open();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  std::vector<WebSubRecord> made;
  for (int i = 0; i < kSubscriptions; ++i) {
    made.push_back(Record(i, 7));
    ASSERT_TRUE((i % 2 == 0 ? a : b)->Put(made.back()).ok());
  }
  std::sort(made.begin(), made.end(), [](const auto& x, const auto& y) {
    return std::tie(x.topic, x.callback) < std::tie(y.topic, y.callback);
  });
  EXPECT_EQ(Load(*a), made);
  EXPECT_EQ(Load(*b), made);

  // Once each has heard the other, every subscription has one deliverer,
  // and both take a share.
  std::vector<int> shares;
  ASSERT_TRUE(Eventually([&] {
    shares = Shares({a.get(), b.get()}, made);
    return shares[0] > 0 && shares[1] > 0;
  })) << shares[0] << " / " << shares[1];
  EXPECT_EQ(shares[0] + shares[1], kSubscriptions);

  // A third replica sees them all at once.
  std::unique_ptr<WebSubStore> c = Open();
  EXPECT_EQ(Load(*c), made);
  ASSERT_TRUE(Eventually([&] {
    shares = Shares({a.get(), b.get(), c.get()}, made);
    return shares[2] > 0;
  }));
}

TEST_F(SharedWebSubTest, AReplicaThatLeavesHandsItsShareOverAtOnce) {
  std::unique_ptr<WebSubStore> a = Open();
  std::unique_ptr<WebSubStore> b = Open();
  std::atomic<int> told{0};
  a->Watch([&told] { ++told; });
  for (int i = 0; i < kSubscriptions; ++i) ASSERT_TRUE(a->Put(Record(i)).ok());
  const std::vector<WebSubRecord> records = Load(*a);
  ASSERT_TRUE(Eventually([&] { return Shares({a.get(), b.get()}, records)[1] > 0; }));
  const int before = told.load();
  b.reset();  // Says it left: no wait for dead_after.
  const absl::Time left = absl::Now();
  ASSERT_TRUE(Eventually([&] { return Shares({a.get()}, records)[0] == kSubscriptions; }));
  EXPECT_LT(absl::Now() - left, absl::Seconds(1));
  EXPECT_TRUE(Eventually([&] { return told.load() > before; }));
  a->StopWatching();
}

TEST_F(SharedWebSubTest, ASilentReplicaIsTakenForGoneAfterDeadAfter) {
  std::unique_ptr<WebSubStore> a = Open();
  for (int i = 0; i < kSubscriptions; ++i) ASSERT_TRUE(a->Put(Record(i)).ok());
  const std::vector<WebSubRecord> records = Load(*a);
  ASSERT_EQ(Shares({a.get()}, records)[0], kSubscriptions);

  // A replica that beat once and died (kill -9: it never said it left).
  absl::StatusOr<std::unique_ptr<JetStreamLog>> log =
      JetStreamLog::Open(StreamBeside(Log(), kWebSubStream, kWebSubSubjects, 1));
  ASSERT_TRUE(log.ok()) << log.status();
  LogAppend beat;
  beat.subject = "nws.r.0123456789abcdef";
  beat.headers = {{"Newswire-Replica", "live"}};
  ASSERT_TRUE((*log)->Append(beat).ok());
  const absl::Time died = absl::Now();

  // Its share goes undelivered until it counts as gone, then comes back.
  ASSERT_TRUE(Eventually([&] { return Shares({a.get()}, records)[0] < kSubscriptions; }));
  ASSERT_TRUE(Eventually([&] { return Shares({a.get()}, records)[0] == kSubscriptions; }));
  EXPECT_GE(absl::Now() - died, absl::Milliseconds(800));
}

TEST_F(SharedWebSubTest, CursorsNeverGoBackAndRenewalsAndRemovalsAreEveryReplicas) {
  std::unique_ptr<WebSubStore> a = Open();
  std::unique_ptr<WebSubStore> b = Open();
  std::atomic<int> told{0};
  b->Watch([&told] { ++told; });
  WebSubRecord record = Record(1, 10);
  ASSERT_TRUE(a->Put(record).ok());
  ASSERT_TRUE(a->SetCursor(record.topic, record.callback, 50).ok());
  ASSERT_TRUE(b->SetCursor(record.topic, record.callback, 30).ok());  // A late, older one.
  ASSERT_EQ(Load(*b).size(), 1u);
  EXPECT_EQ(Load(*b)[0].cursor, 50u);
  EXPECT_EQ(Load(*a)[0].cursor, 50u);

  // Renewed through b with the cursor it had read before: a keeps 50.
  record.lease_end += absl::Hours(1);
  record.secret = "new secret";
  const int before = told.load();
  ASSERT_TRUE(b->Put(record).ok());
  ASSERT_EQ(Load(*a).size(), 1u);
  EXPECT_EQ(Load(*a)[0].lease_end, record.lease_end);
  EXPECT_EQ(Load(*a)[0].secret, "new secret");
  EXPECT_EQ(Load(*a)[0].cursor, 50u);
  EXPECT_TRUE(Eventually([&] { return told.load() > before; }));

  ASSERT_TRUE(b->Remove(record.topic, record.callback).ok());
  EXPECT_THAT(Load(*a), ::testing::IsEmpty());
  EXPECT_THAT(Load(*b), ::testing::IsEmpty());
  b->StopWatching();
}

TEST_F(SharedWebSubTest, AServersOwnSubscriptionsJoinOnceAndARemovalStays) {
  std::unique_ptr<WebSubStore> local = OpenMemoryWebSubStore();
  ASSERT_TRUE(local->Put(Record(1, 12)).ok());
  ASSERT_TRUE(local->Put(Record(2, 13)).ok());
  std::unique_ptr<WebSubStore> a = Open(*local);
  ASSERT_EQ(Load(*a).size(), 2u);
  EXPECT_EQ(Load(*a)[0], Record(1, 12));
  ASSERT_TRUE(a->Remove(Record(1).topic, Record(1).callback).ok());
  a.reset();

  // The same archive joining again does not bring the removed one back.
  std::unique_ptr<WebSubStore> again = Open(*local);
  ASSERT_EQ(Load(*again).size(), 1u);
  EXPECT_EQ(Load(*again)[0], Record(2, 13));
}

TEST_F(SharedWebSubTest, AReplicaCutOffFromNatsDeliversNothingUntilItIsBack) {
  std::unique_ptr<WebSubStore> a = Open();
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(a->Put(Record(i)).ok());
  const std::vector<WebSubRecord> records = Load(*a);
  ASSERT_EQ(Shares({a.get()}, records)[0], 4);
  servers_->Kill(0);
  // The others (had there been any) take over after dead_after: so must it stop.
  ASSERT_TRUE(Eventually([&] {
    return !a->Delivers(records[0]) && !a->Delivers(records[3]);
  }));
  ASSERT_TRUE(servers_->Restart(0));
  EXPECT_TRUE(Eventually([&] { return a->Delivers(records[0]) && a->Delivers(records[3]); },
                         absl::Seconds(20)));
}

TEST_F(SharedWebSubTest, AStreamKeepingEveryMessageIsNotTakenForTheSubscriptions) {
  // Every message kept.
  ASSERT_TRUE(JetStreamLog::Open(StreamBeside(Log(), kWebSubStream, kWebSubSubjects)).ok());
  SharedWebSubOptions shared;
  absl::StatusOr<std::unique_ptr<WebSubStore>> store =
      OpenSharedWebSubStore(Log(), *empty_, shared);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(store.status().message(), HasSubstr("NEWSWIRE_WEBSUB keeps every message"));
}

}  // namespace
}  // namespace newswire
