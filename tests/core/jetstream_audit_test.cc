// The cluster's audit log on JetStream, against a real nats-server on
// loopback: each "replica" is a shared audit log over an archive of its own.
#include "core/store/jetstream_audit.h"

#include <set>

#include "core/model/article.h"
#include "core/store/sqlite_store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/core/eventually.h"
#include "tests/core/nats_servers.h"
#include "tests/core/temp_dir.h"

namespace newswire {
namespace {

using ::testing::HasSubstr;

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

v1::AuditEntry Entry(const std::string& reason, absl::Time time = kNow,
                     v1::AuditEntry::Decision decision = v1::AuditEntry::ALLOWED) {
  v1::AuditEntry entry;
  *entry.mutable_time() = ToProtoTime(time);
  entry.set_key_id("k1");
  entry.set_method("Publish");
  entry.set_decision(decision);
  entry.set_reason(reason);
  return entry;
}

std::vector<std::string> Reasons(const std::vector<v1::AuditEntry>& entries) {
  std::vector<std::string> reasons;
  for (const v1::AuditEntry& e : entries) reasons.push_back(e.reason());
  return reasons;
}

class SharedAuditTest : public ::testing::Test {
 protected:
  struct Replica {
    std::unique_ptr<SqliteStore> archive;
    std::unique_ptr<AuditLog> audit;  // Over `archive`; destroyed first.
  };

  void SetUp() override {
    if (!NatsServers::Available())
      GTEST_SKIP() << "nats-server is not installed (make deps)";
    servers_ = std::make_unique<NatsServers>(1, dir_.path() + "/nats");
    ASSERT_TRUE(servers_->ok()) << servers_->log_file(0);
  }

  Replica Open(absl::Duration retry = absl::Seconds(30)) {
    Replica replica;
    replica.archive = *SqliteStore::OpenInMemory();
    JetStreamOptions options;
    options.servers = servers_->urls();
    options.retry_timeout = retry;
    absl::StatusOr<std::unique_ptr<AuditLog>> audit =
        OpenSharedAuditLog(options, *replica.archive);
    EXPECT_TRUE(audit.ok()) << audit.status();
    if (audit.ok()) replica.audit = *std::move(audit);
    return replica;
  }

  static std::vector<v1::AuditEntry> ReadAll(AuditLog& audit,
                                             absl::Time since = absl::InfinitePast()) {
    absl::StatusOr<std::vector<v1::AuditEntry>> entries =
        audit.ReadAudit(since, 0, 10000);
    EXPECT_TRUE(entries.ok()) << entries.status();
    return entries.ok() ? *entries : std::vector<v1::AuditEntry>{};
  }

  TempDir dir_;
  std::unique_ptr<NatsServers> servers_;
};

TEST_F(SharedAuditTest, EveryReplicasEntriesAreReadThroughEachWithTheSameIds) {
  Replica a = Open();
  Replica b = Open();
  ASSERT_NE(a.audit, nullptr);
  ASSERT_NE(b.audit, nullptr);
  a.audit->Record(Entry("published x version 1 as AP"));
  // Readable through the replica that recorded it as soon as it is recorded.
  EXPECT_THAT(Reasons(ReadAll(*a.audit)),
              ::testing::ElementsAre("published x version 1 as AP"));
  b.audit->Record(Entry("PERMISSION_DENIED: not yours", kNow, v1::AuditEntry::DENIED));
  std::vector<v1::AuditEntry> through_b = ReadAll(*b.audit);
  ASSERT_EQ(through_b.size(), 2u);
  ASSERT_TRUE(Eventually([&] { return ReadAll(*a.audit).size() == 2; }));
  std::vector<v1::AuditEntry> through_a = ReadAll(*a.audit);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(through_a[i].SerializeAsString(), through_b[i].SerializeAsString()) << i;
  }
  EXPECT_LT(through_a[0].id(), through_a[1].id());
  EXPECT_EQ(through_a[1].decision(), v1::AuditEntry::DENIED);
  // Each archive keeps what its replica recorded, for `audit --data`.
  EXPECT_THAT(Reasons(*a.archive->ReadAudit(absl::InfinitePast(), 0, 100)),
              ::testing::ElementsAre("published x version 1 as AP"));
  EXPECT_THAT(Reasons(*b.archive->ReadAudit(absl::InfinitePast(), 0, 100)),
              ::testing::ElementsAre("PERMISSION_DENIED: not yours"));
}

TEST_F(SharedAuditTest, PagesByIdWithoutGapOrRepeatAndFiltersByTime) {
  Replica a = Open();
  Replica b = Open();
  ASSERT_NE(a.audit, nullptr);
  ASSERT_NE(b.audit, nullptr);
  // Many at once: they go out in batches, more entries than one message holds.
  for (int i = 0; i < 1200; ++i) {
    a.audit->Record(Entry(absl::StrCat("a", i), kNow + absl::Seconds(i)));
  }
  std::vector<std::string> seen;
  uint64_t after = 0;
  for (int page = 0; page < 10; ++page) {
    absl::StatusOr<std::vector<v1::AuditEntry>> got =
        (page % 2 == 0 ? a : b).audit->ReadAudit(absl::InfinitePast(), after, 500);
    ASSERT_TRUE(got.ok()) << got.status();
    if (got->empty()) break;
    for (const v1::AuditEntry& e : *got) {
      EXPECT_GT(e.id(), after);
      after = e.id();
      seen.push_back(e.reason());
    }
  }
  ASSERT_EQ(seen.size(), 1200u);
  for (int i = 0; i < 1200; ++i) EXPECT_EQ(seen[i], absl::StrCat("a", i));
  EXPECT_THAT(Reasons(ReadAll(*b.audit, kNow + absl::Seconds(1198))),
              ::testing::ElementsAre("a1198", "a1199"));
}

TEST_F(SharedAuditTest, LargeEntriesGoInMessagesTheServersTake) {
  Replica a = Open();
  ASSERT_NE(a.audit, nullptr);
  // Ten entries of 100 KB are more than one 1 MB message (the servers'
  // max_payload) could carry; one of 2 MB could not go in any.
  for (int i = 0; i < 10; ++i) {
    a.audit->Record(Entry(absl::StrCat(i, " ", std::string(100 * 1024, 'x'))));
  }
  std::string huge = "huge";
  while (huge.size() < 2 * 1024 * 1024) huge += " yyy";
  a.audit->Record(Entry(huge));
  a.audit->Record(Entry("after"));
  std::vector<v1::AuditEntry> entries = ReadAll(*a.audit);
  ASSERT_EQ(entries.size(), 12u);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(entries[i].reason().size(), 100 * 1024 + 2) << i;
  }
  // Cut at a word, and said to be.
  EXPECT_GT(entries[10].reason().size(), 64u * 1024);
  EXPECT_LT(entries[10].reason().size(), 1024u * 1024);
  EXPECT_THAT(entries[10].reason(), ::testing::StartsWith("huge yyy yyy"));
  EXPECT_THAT(entries[10].reason(), ::testing::EndsWith("yyy…"));
  EXPECT_EQ(entries[11].reason(), "after");
  // The archive keeps the entry whole.
  EXPECT_EQ((*a.archive->ReadAudit(absl::InfinitePast(), 0, 100))[10].reason(), huge);
}

TEST_F(SharedAuditTest, EntriesRecordedWhileTheServersAreDownAreSentAfterAndNoneTwice) {
  Replica a = Open(/*retry=*/absl::Seconds(2));
  ASSERT_NE(a.audit, nullptr);
  a.audit->Record(Entry("before"));
  ASSERT_EQ(ReadAll(*a.audit).size(), 1u);
  servers_->Kill(0);
  a.audit->Record(Entry("while down 1"));
  a.audit->Record(Entry("while down 2"));
  absl::StatusOr<std::vector<v1::AuditEntry>> unreachable =
      a.audit->ReadAudit(absl::InfinitePast(), 0, 100);
  ASSERT_FALSE(unreachable.ok());
  EXPECT_EQ(unreachable.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(unreachable.status().message(), HasSubstr(kAuditStream));
  EXPECT_THAT(unreachable.status().message(), HasSubstr("audit --data"));
  // The replica's own archive has them meanwhile.
  EXPECT_EQ(a.archive->ReadAudit(absl::InfinitePast(), 0, 100)->size(), 3u);
  ASSERT_TRUE(servers_->Restart(0));
  ASSERT_TRUE(Eventually([&] {
    absl::StatusOr<std::vector<v1::AuditEntry>> got =
        a.audit->ReadAudit(absl::InfinitePast(), 0, 100);
    return got.ok() && got->size() >= 3;
  }));
  EXPECT_THAT(Reasons(ReadAll(*a.audit)),
              ::testing::ElementsAre("before", "while down 1", "while down 2"));
}

}  // namespace
}  // namespace newswire
