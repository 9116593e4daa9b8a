// Keys shared by replicas through JetStream, against a real nats-server on
// loopback: each "replica" is a KeyTable on its own shared store, with its
// own copy of the pepper file.
#include "core/store/jetstream_keys.h"

#include <atomic>
#include <filesystem>

#include "core/model/article.h"
#include "core/policy/key_table.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/core/eventually.h"
#include "tests/core/nats_servers.h"
#include "tests/core/policy/key_request.h"
#include "tests/core/temp_dir.h"

namespace newswire {
namespace {

using ::testing::HasSubstr;

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

class SharedKeysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!NatsServers::Available()) GTEST_SKIP() << "nats-server is not installed (make deps)";
    servers_ = std::make_unique<NatsServers>(1, dir_.path() + "/nats");
    ASSERT_TRUE(servers_->ok()) << servers_->log_file(0);
    // One pepper, copied beside each replica, as an operator would.
    ASSERT_TRUE(LoadPepper(Pepper("a"), /*create=*/true).ok());
    std::filesystem::copy_file(Pepper("a"), Pepper("b"));
  }

  std::string Pepper(const std::string& replica) const {
    std::filesystem::create_directories(dir_.path() + "/" + replica);
    return dir_.path() + "/" + replica + "/key-pepper";
  }

  // A replica's key table on the shared keys, adding `local`'s keys.
  absl::StatusOr<std::unique_ptr<KeyTable>> Replica(const std::string& name,
                                                    KeyStore& local) {
    JetStreamOptions options;
    options.servers = servers_->urls();
    absl::StatusOr<std::unique_ptr<KeyStore>> store =
        OpenSharedKeyStore(options, local, Pepper(name));
    if (!store.ok()) return store.status();
    return KeyTable::Open(*std::move(store));
  }
  std::unique_ptr<KeyTable> Replica(const std::string& name) {
    std::unique_ptr<KeyStore> none = OpenMemoryKeyStore();
    absl::StatusOr<std::unique_ptr<KeyTable>> table = Replica(name, *none);
    EXPECT_TRUE(table.ok()) << table.status();
    return table.ok() ? *std::move(table) : nullptr;
  }

  TempDir dir_;
  std::unique_ptr<NatsServers> servers_;
};

TEST_F(SharedKeysTest, AKeyMadeThroughOneReplicaAuthenticatesOnTheOther) {
  std::unique_ptr<KeyTable> a = Replica("a");
  std::unique_ptr<KeyTable> b = Replica("b");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_FALSE(b->enforcing());
  auto created = a->Create(KeyRequest("ap-desk", {v1::SCOPE_PUBLISH}, {"AP"}), kNow);
  ASSERT_TRUE(created.ok()) << created.status();
  ASSERT_TRUE(Eventually([&] { return b->Authenticate(created->secret(), kNow).ok(); }));
  EXPECT_TRUE(b->enforcing());
  auto principal = b->Authenticate(created->secret(), kNow);
  EXPECT_EQ((*principal)->name(), "ap-desk");
  EXPECT_TRUE((*principal)->HasSource("ap"));
  // Its own change came back to `a` too, and left one key, not two.
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_EQ(a->List().size(), 1u);
  EXPECT_EQ(b->List().size(), 1u);
}

TEST_F(SharedKeysTest, ARevocationThroughOneReplicaEndsTheKeyOnTheOtherAtOnce) {
  std::atomic<int> changes{0};  // Outlives `a`, whose follower counts here.
  std::unique_ptr<KeyTable> a = Replica("a");
  std::unique_ptr<KeyTable> b = Replica("b");
  a->set_on_change([&] { ++changes; });
  auto created = *a->Create(KeyRequest("wire", {v1::SCOPE_SEARCH}), kNow);
  ASSERT_TRUE(Eventually([&] { return b->Authenticate(created.secret(), kNow).ok(); }));
  // A call on `a` holds the key's principal; the revocation reaches it.
  auto held = *a->Authenticate(created.secret(), kNow);
  ASSERT_TRUE(b->Revoke(created.key().id(), kNow).ok());
  ASSERT_TRUE(Eventually([&] { return !held->CheckValid(kNow + absl::Seconds(1)).ok(); }));
  auto refused = a->Authenticate(created.secret(), kNow + absl::Seconds(1));
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.status().message(), HasSubstr("revoked"));
  EXPECT_GE(changes.load(), 1);
}

TEST_F(SharedKeysTest, AStaleChangeNeverUndoesARevocation) {
  std::unique_ptr<KeyTable> a = Replica("a");
  auto created = *a->Create(KeyRequest("wire", {v1::SCOPE_SEARCH}), kNow);
  // What a replica that has not seen the revocation yet would write when
  // rotating: the key without `revoked`, with an expiry and a successor.
  v1::KeyRecord stale;
  stale.mutable_key()->CopyFrom(a->List()[0]);
  ASSERT_TRUE(a->Revoke(created.key().id(), kNow).ok());
  *stale.mutable_key()->mutable_expires() = ToProtoTime(kNow + absl::Hours(24));
  stale.mutable_key()->set_rotated_to("aaaaaaaaaa");
  {
    JetStreamOptions options;
    options.servers = servers_->urls();
    std::unique_ptr<KeyStore> none = OpenMemoryKeyStore();
    auto writer = OpenSharedKeyStore(options, *none, Pepper("b"));
    ASSERT_TRUE(writer.ok()) << writer.status();
    ASSERT_TRUE((*writer)->Save({stale}).ok());
  }
  // Both the replica that followed and one that starts now hold it revoked,
  // with the later change's successor and expiry kept.
  std::unique_ptr<KeyTable> b = Replica("b");
  for (KeyTable* table : {a.get(), b.get()}) {
    ASSERT_TRUE(Eventually([&] { return table->List()[0].rotated_to() == "aaaaaaaaaa"; }));
    const v1::ApiKey key = table->List()[0];
    EXPECT_TRUE(key.has_revoked());
    EXPECT_EQ(FromProtoTime(key.expires()), kNow + absl::Hours(24));
    EXPECT_FALSE(table->Authenticate(created.secret(), kNow).ok());
  }
}

TEST_F(SharedKeysTest, KeysOutliveEveryReplicaAndAnArchivesOwnKeysJoinThem) {
  // An admin key made offline beside replica a's archive before it joined.
  const std::string file = dir_.path() + "/a/keys.json";
  std::filesystem::copy_file(Pepper("a"), KeyFilePepperPath(file));
  std::string admin_secret;
  {
    auto offline = *KeyTable::Open(OpenKeyFile(file));
    admin_secret = offline->Create(KeyRequest("root", {v1::SCOPE_ADMIN}), kNow)->secret();
  }
  std::unique_ptr<KeyStore> local = OpenKeyFile(file);
  std::string search_secret;
  {
    auto a = Replica("a", *local);
    ASSERT_TRUE(a.ok()) << a.status();
    search_secret = (*a)->Create(KeyRequest("reader", {v1::SCOPE_SEARCH}), kNow)->secret();
  }
  // Every replica gone; one starting now has both.
  std::unique_ptr<KeyTable> b = Replica("b");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->List().size(), 2u);
  EXPECT_TRUE(b->Authenticate(admin_secret, kNow).ok());
  EXPECT_TRUE(b->Authenticate(search_secret, kNow).ok());
}

TEST_F(SharedKeysTest, AReplicaWithAnotherPepperIsRefusedNamingItsFile) {
  std::unique_ptr<KeyTable> a = Replica("a");
  ASSERT_TRUE(a->Create(KeyRequest("wire", {v1::SCOPE_SEARCH}), kNow).ok());
  ASSERT_TRUE(LoadPepper(Pepper("c"), /*create=*/true).ok());  // Made anew, not copied.
  std::unique_ptr<KeyStore> none = OpenMemoryKeyStore();
  auto c = Replica("c", *none);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(c.status().message(), HasSubstr(Pepper("c")));
  EXPECT_THAT(c.status().message(), HasSubstr("same pepper"));
  // Without any pepper it is refused too, and not given a new one.
  auto d = Replica("d", *none);
  ASSERT_FALSE(d.ok());
  EXPECT_THAT(d.status().message(), HasSubstr(Pepper("d")));
  EXPECT_FALSE(std::filesystem::exists(Pepper("d")));
}

}  // namespace
}  // namespace newswire
