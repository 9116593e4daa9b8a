#include "core/policy/gate.h"

#include <atomic>

#include "absl/synchronization/notification.h"
#include "core/policy/key_store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/core/memory_archive.h"

namespace newswire {
namespace {

using ::testing::HasSubstr;

class GateTest : public ::testing::Test {
 protected:
  GateTest() : keys_(*KeyTable::Open(OpenMemoryKeyStore())), gate_(keys_.get(), &audit_) {
    keys_->set_on_change([this] { gate_.KeysChanged(); });
  }

  std::string CreateKey(std::vector<v1::Scope> scopes, v1::KeyLimits limits = {}) {
    v1::CreateKeyRequest request;
    request.set_name("desk");
    for (v1::Scope s : scopes) request.mutable_entitlements()->add_scopes(s);
    *request.mutable_limits() = limits;
    auto created = keys_->Create(request, absl::Now());
    EXPECT_TRUE(created.ok()) << created.status();
    return created->secret();
  }

  static Credentials With(std::string secret) {
    return Credentials{
        .secret = std::move(secret), .certificate = "", .peer = "ipv4:10.0.0.7:1"};
  }

  std::vector<v1::AuditEntry> Audit() {
    return *audit_.ReadAudit(absl::InfinitePast(), 0, 1000);
  }

  const std::unique_ptr<SqliteStore> archive_ = NewMemoryArchive();
  SqliteStore& audit_ = *archive_;
  std::unique_ptr<KeyTable> keys_;
  Gate gate_;
};

TEST_F(GateTest, WithoutKeysEveryCallIsOpen) {
  auto caller = gate_.Admit(Credentials{}, "Publish", Action::kPublish);
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->principal->via(), Principal::Via::kOpen);
}

TEST_F(GateTest, OnceKeysExistACallWithoutOneIsRefusedAndAudited) {
  CreateKey({v1::SCOPE_PUBLISH});
  auto caller = gate_.Admit(With(""), "Publish", Action::kPublish);
  ASSERT_FALSE(caller.ok());
  EXPECT_EQ(caller.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(caller.status().message(), HasSubstr("authorization: Bearer"));
  auto audit = Audit();
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].decision(), v1::AuditEntry::DENIED);
  EXPECT_EQ(audit[0].method(), "Publish");
  EXPECT_EQ(audit[0].peer(), "ipv4:10.0.0.7:1");
}

TEST_F(GateTest, MissingScopeIsDeniedAndAuditedWithTheKeyIdNeverTheSecret) {
  const std::string secret = CreateKey({v1::SCOPE_SUBSCRIBE});
  auto caller = gate_.Admit(With(secret), "Publish", Action::kPublish);
  ASSERT_FALSE(caller.ok());
  EXPECT_EQ(caller.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(gate_.Admit(With(secret), "Subscribe", Action::kSubscribe).ok());
  EXPECT_TRUE(gate_.Admit(With(secret), "GetArticle", Action::kRead).ok());
  EXPECT_FALSE(gate_.Admit(With(secret), "SearchArticles", Action::kSearch).ok());
  auto audit = Audit();
  ASSERT_EQ(audit.size(), 2u);
  for (const auto& entry : audit) {
    EXPECT_EQ(entry.key_id(), keys_->List()[0].id());
    EXPECT_EQ(entry.principal(), "desk");
    EXPECT_THAT(entry.DebugString(), ::testing::Not(HasSubstr(secret.substr(14))));
  }
}

TEST_F(GateTest, PublishRateLimitIsNamed) {
  v1::KeyLimits limits;
  limits.set_publish_per_second(0.001);
  limits.set_publish_burst(3);
  const std::string secret = CreateKey({v1::SCOPE_PUBLISH}, limits);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(gate_.Admit(With(secret), "Publish", Action::kPublish).ok()) << i;
  }
  auto over = gate_.Admit(With(secret), "Publish", Action::kPublish);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(over.status().message(), HasSubstr("publish rate limit"));
}

TEST_F(GateTest, StreamLimitCountsOpenStreams) {
  v1::KeyLimits limits;
  limits.set_max_streams(2);
  const std::string secret = CreateKey({v1::SCOPE_SUBSCRIBE}, limits);
  Caller caller = *gate_.Admit(With(secret), "Subscribe", Action::kSubscribe);
  auto first = gate_.OpenStream(caller);
  auto second = gate_.OpenStream(caller);
  ASSERT_TRUE(first.ok() && second.ok());
  auto third = gate_.OpenStream(caller);
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(third.status().message(), HasSubstr("2 open at once"));
  { StreamLease gone = *std::move(first); }
  EXPECT_TRUE(gate_.OpenStream(caller).ok());
}

TEST_F(GateTest, RevocationEndsWatchedStreams) {
  const std::string secret = CreateKey({v1::SCOPE_SUBSCRIBE});
  Caller caller = *gate_.Admit(With(secret), "Subscribe", Action::kSubscribe);
  StreamLease lease = *gate_.OpenStream(caller);
  absl::Notification ended;
  absl::Status why;
  lease.OnKeyInvalid([&](const absl::Status& status) {
    why = status;
    ended.Notify();
  });
  ASSERT_TRUE(keys_->Revoke(keys_->List()[0].id(), absl::Now()).ok());
  // The bound: open streams end within 2 s of a revocation.
  ASSERT_TRUE(ended.WaitForNotificationWithTimeout(absl::Seconds(2)));
  EXPECT_EQ(why.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(why.message(), HasSubstr("revoked"));
  // New calls with it are refused at once.
  EXPECT_EQ(gate_.Admit(With(secret), "Subscribe", Action::kSubscribe).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(gate_.Readmit(caller, Action::kSubscribe).code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(GateTest, ExpiryEndsWatchedStreams) {
  v1::CreateKeyRequest request;
  request.set_name("brief");
  request.mutable_entitlements()->add_scopes(v1::SCOPE_SUBSCRIBE);
  *request.mutable_expires() = ToProtoTime(absl::Now() + absl::Milliseconds(300));
  const std::string secret = keys_->Create(request, absl::Now())->secret();
  Caller caller = *gate_.Admit(With(secret), "Subscribe", Action::kSubscribe);
  StreamLease lease = *gate_.OpenStream(caller);
  absl::Notification ended;
  lease.OnKeyInvalid([&](const absl::Status&) { ended.Notify(); });
  EXPECT_TRUE(ended.WaitForNotificationWithTimeout(absl::Seconds(5)));
}

TEST_F(GateTest, FloodOfBadKeysIsAuditedAtABoundedRate) {
  CreateKey({v1::SCOPE_PUBLISH});
  for (int i = 0; i < 5000; ++i) {
    ASSERT_FALSE(gate_.Admit(With("nw_garbage"), "Publish", Action::kPublish).ok());
  }
  EXPECT_LT(Audit().size(), 1000u);
  EXPECT_GE(Audit().size(), 100u);
}

}  // namespace
}  // namespace newswire
