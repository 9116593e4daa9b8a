// The JetStream log against real nats-servers on loopback: one server for
// the log's rules, three for races and a killed leader.
#include "core/store/jetstream_log.h"

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "core/store/jetstream_subject.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/core/nats_servers.h"
#include "tests/core/temp_dir.h"

namespace newswire {
namespace {

using ::testing::HasSubstr;

TEST(JetStreamSubject, NamesAnArticleByTheBase32OfItsIdsSha256) {
  EXPECT_EQ(IdHash("urn:newswire:test:1"), "tk2ios4urm47vwxuj7ljsm23e3vzw2zkk77i3fuowjqbweohsnja");
  EXPECT_EQ(IdHash(""), "4oymiquy7qobjgx36tejs35zeqt24qpemsnzgtfeswmrw6csxbkq");
  // Ids with characters subjects forbid still make one token.
  const std::string subject = ArticleSubject("https://ex.com/a b.*>", 7);
  EXPECT_EQ(subject, absl::StrCat("nw.a.", IdHash("https://ex.com/a b.*>"), ".7"));
  EXPECT_EQ(ReleaseSubject("x", 2), absl::StrCat("nw.r.", IdHash("x"), ".2"));
  EXPECT_EQ(PublishMessageId("x", 2, "abc"), absl::StrCat(IdHash("x"), ":2:abc"));
}

class JetStreamLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!NatsServers::Available()) GTEST_SKIP() << "nats-server is not installed (make deps)";
  }

  std::unique_ptr<JetStreamLog> OpenLog(const NatsServers& servers, int replicas,
                                        absl::Duration window = absl::Minutes(2)) {
    JetStreamOptions options;
    options.servers = servers.urls();
    options.replicas = replicas;
    options.duplicate_window = window;
    absl::StatusOr<std::unique_ptr<JetStreamLog>> log = JetStreamLog::Open(options);
    EXPECT_TRUE(log.ok()) << log.status();
    return log.ok() ? *std::move(log) : nullptr;
  }

  static LogAppend Message(const std::string& id, uint64_t version, const std::string& data) {
    LogAppend append;
    append.subject = ArticleSubject(id, version);
    append.data = data;
    append.headers = {{std::string(kIdHeader), id}};
    append.message_id = PublishMessageId(id, version, data);
    append.expect_empty_subject = true;
    return append;
  }

  // Every message from `from` to the stream's last, in order.
  static std::vector<LogMessage> ReadAll(JetStreamLog& log, uint64_t from) {
    absl::StatusOr<JetStreamLog::Bounds> bounds = log.GetBounds();
    EXPECT_TRUE(bounds.ok()) << bounds.status();
    absl::StatusOr<std::unique_ptr<LogReader>> reader = log.ReadFrom(from);
    EXPECT_TRUE(reader.ok()) << reader.status();
    std::vector<LogMessage> all;
    if (!bounds.ok() || !reader.ok()) return all;
    const absl::Time deadline = absl::Now() + absl::Seconds(20);
    while ((all.empty() || all.back().sequence < bounds->last) && absl::Now() < deadline) {
      absl::StatusOr<std::vector<LogMessage>> batch = (*reader)->Next(100, absl::Seconds(1));
      EXPECT_TRUE(batch.ok()) << batch.status();
      if (!batch.ok()) break;
      for (LogMessage& message : *batch) all.push_back(std::move(message));
    }
    return all;
  }

  // Appends `count` messages on a thread of its own; once 50 are
  // acknowledged, runs `disrupt` (which returns once the cluster is back).
  // An append answered UNAVAILABLE (no leader within the retry timeout: a
  // whole cluster coming back under load can take longer) is sent again
  // with the same message id, as the contract tells a publisher to, up to
  // `attempts` times. Then every acknowledged append must be in the log
  // exactly once, in order.
  static void ExpectStormLosesNothing(JetStreamLog& log, int count,
                                      const std::function<void()>& disrupt, int attempts = 1) {
    std::map<uint64_t, std::string> acknowledged;  // sequence -> data
    std::atomic<int> done{0};
    std::thread publisher([&] {
      for (int i = 0; i < count; ++i) {
        const std::string id = absl::StrCat("urn:storm:", i);
        const std::string data = absl::StrCat("storm ", i);
        absl::StatusOr<LogAppended> appended = log.Append(Message(id, 1, data));
        for (int attempt = 1; attempt < attempts && absl::IsUnavailable(appended.status());
             ++attempt) {
          appended = log.Append(Message(id, 1, data));
        }
        ASSERT_TRUE(appended.ok()) << "append " << i << ": " << appended.status();
        EXPECT_TRUE(acknowledged.emplace(appended->sequence, data).second)
            << "sequence " << appended->sequence << " acknowledged twice";
        ++done;
      }
    });
    while (done.load() < 50) absl::SleepFor(absl::Milliseconds(5));
    disrupt();
    publisher.join();
    ASSERT_EQ(acknowledged.size(), static_cast<size_t>(count));
    std::vector<LogMessage> read = ReadAll(log, 1);
    std::set<std::string> seen;
    uint64_t previous = 0;
    for (const LogMessage& message : read) {
      EXPECT_GT(message.sequence, previous);
      previous = message.sequence;
      EXPECT_TRUE(seen.insert(message.data).second) << "stored twice: " << message.data;
    }
    for (const auto& [sequence, data] : acknowledged) {
      EXPECT_TRUE(seen.count(data)) << "acknowledged at " << sequence << " but lost: " << data;
    }
    EXPECT_EQ(read.size(), static_cast<size_t>(count));
  }

  TempDir dir_;
};

TEST_F(JetStreamLogTest, AppendsAreReadInOrderFromAnySequence) {
  NatsServers servers(1, dir_.path());
  ASSERT_TRUE(servers.ok()) << servers.log_file(0);
  std::unique_ptr<JetStreamLog> log = OpenLog(servers, 1);
  ASSERT_NE(log, nullptr);
  for (int i = 1; i <= 10; ++i) {
    absl::StatusOr<LogAppended> appended =
        log->Append(Message(absl::StrCat("urn:x:", i), 1, absl::StrCat("body ", i)));
    ASSERT_TRUE(appended.ok()) << appended.status();
    EXPECT_EQ(appended->sequence, static_cast<uint64_t>(i));
    EXPECT_FALSE(appended->duplicate);
  }
  absl::StatusOr<JetStreamLog::Bounds> bounds = log->GetBounds();
  ASSERT_TRUE(bounds.ok()) << bounds.status();
  EXPECT_EQ(bounds->first, 1u);
  EXPECT_EQ(bounds->last, 10u);

  std::vector<LogMessage> read = ReadAll(*log, 4);
  ASSERT_EQ(read.size(), 7u);
  for (size_t k = 0; k < read.size(); ++k) {
    const int i = static_cast<int>(k) + 4;
    EXPECT_EQ(read[k].sequence, static_cast<uint64_t>(i));
    EXPECT_EQ(read[k].subject, ArticleSubject(absl::StrCat("urn:x:", i), 1));
    EXPECT_EQ(read[k].Header(kIdHeader), absl::StrCat("urn:x:", i));
    EXPECT_EQ(read[k].data, absl::StrCat("body ", i));
  }

  absl::StatusOr<std::optional<LogMessage>> last = log->LastOnSubject(ArticleSubject("urn:x:3", 1));
  ASSERT_TRUE(last.ok()) << last.status();
  ASSERT_TRUE(last->has_value());
  EXPECT_EQ((*last)->sequence, 3u);
  EXPECT_EQ((*last)->data, "body 3");
  absl::StatusOr<std::optional<LogMessage>> none = log->LastOnSubject(ArticleSubject("urn:x:3", 2));
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_FALSE(none->has_value());
}

TEST_F(JetStreamLogTest, ASubjectHoldsOneMessageAndAMessageIdIsStoredOnce) {
  NatsServers servers(1, dir_.path());
  ASSERT_TRUE(servers.ok()) << servers.log_file(0);
  std::unique_ptr<JetStreamLog> log = OpenLog(servers, 1, absl::Seconds(1));
  ASSERT_NE(log, nullptr);
  absl::StatusOr<LogAppended> first = log->Append(Message("urn:y", 1, "first"));
  ASSERT_TRUE(first.ok()) << first.status();

  // The same append again, inside the window: the first one's sequence.
  absl::StatusOr<LogAppended> again = log->Append(Message("urn:y", 1, "first"));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->sequence, first->sequence);

  // Other content for the same version: refused by the subject rule.
  absl::StatusOr<LogAppended> other = log->Append(Message("urn:y", 1, "other"));
  EXPECT_EQ(other.status().code(), absl::StatusCode::kFailedPrecondition) << other.status();
  EXPECT_THAT(other.status().message(), HasSubstr("already holds a message"));

  // Beyond the window JetStream has forgotten the id; the subject still
  // holds it, so the retry is a duplicate all the same, and other content
  // is still refused.
  absl::SleepFor(absl::Milliseconds(1500));
  absl::StatusOr<LogAppended> late = log->Append(Message("urn:y", 1, "first"));
  ASSERT_TRUE(late.ok()) << late.status();
  EXPECT_TRUE(late->duplicate);
  EXPECT_EQ(late->sequence, first->sequence);
  EXPECT_EQ(log->Append(Message("urn:y", 1, "other")).status().code(),
            absl::StatusCode::kFailedPrecondition);

  absl::StatusOr<JetStreamLog::Bounds> bounds = log->GetBounds();
  ASSERT_TRUE(bounds.ok());
  EXPECT_EQ(bounds->last, 1u);  // Nothing but the first was stored.
}

TEST_F(JetStreamLogTest, NoServerIsUnavailableNamingIt) {
  JetStreamOptions options;
  options.servers = {"nats://127.0.0.1:1"};
  options.retry_timeout = absl::Milliseconds(300);
  absl::StatusOr<std::unique_ptr<JetStreamLog>> log = JetStreamLog::Open(options);
  EXPECT_EQ(log.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(log.status().message(), HasSubstr("nats://127.0.0.1:1"));
  options.replicas = 7;
  EXPECT_EQ(JetStreamLog::Open(options).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(JetStreamLogTest, OfRacingAppendsToOneSubjectExactlyOneIsStored) {
  NatsServers servers(3, dir_.path());
  ASSERT_TRUE(servers.ok());
  std::unique_ptr<JetStreamLog> log = OpenLog(servers, 3);
  ASSERT_NE(log, nullptr);
  constexpr int kRounds = 10;
  constexpr int kRacers = 8;
  for (int round = 0; round < kRounds; ++round) {
    const std::string id = absl::StrCat("urn:race:", round);
    std::atomic<int> accepted{0};
    std::atomic<int> refused{0};
    std::string winner;
    std::mutex winner_mu;
    std::vector<std::thread> racers;
    for (int r = 0; r < kRacers; ++r) {
      racers.emplace_back([&, r] {
        const std::string data = absl::StrCat("racer ", r);
        absl::StatusOr<LogAppended> appended = log->Append(Message(id, 2, data));
        if (appended.ok()) {
          ++accepted;
          std::lock_guard<std::mutex> lock(winner_mu);
          winner = data;
        } else if (appended.status().code() == absl::StatusCode::kFailedPrecondition) {
          ++refused;
        } else {
          ADD_FAILURE() << appended.status();
        }
      });
    }
    for (std::thread& racer : racers) racer.join();
    EXPECT_EQ(accepted.load(), 1) << "round " << round;
    EXPECT_EQ(refused.load(), kRacers - 1) << "round " << round;
    absl::StatusOr<std::optional<LogMessage>> stored = log->LastOnSubject(ArticleSubject(id, 2));
    ASSERT_TRUE(stored.ok() && stored->has_value());
    EXPECT_EQ((*stored)->data, winner);
  }
  absl::StatusOr<JetStreamLog::Bounds> bounds = log->GetBounds();
  ASSERT_TRUE(bounds.ok());
  EXPECT_EQ(bounds->last, static_cast<uint64_t>(kRounds));
}

TEST_F(JetStreamLogTest, KillingTheLeaderLosesNoAcknowledgedAppend) {
  NatsServers servers(3, dir_.path());
  ASSERT_TRUE(servers.ok());
  std::unique_ptr<JetStreamLog> log = OpenLog(servers, 3);
  ASSERT_NE(log, nullptr);
  ExpectStormLosesNothing(*log, 400, [&] {
    absl::StatusOr<std::string> leader = log->Leader();
    ASSERT_TRUE(leader.ok()) << leader.status();
    const int killed = (*leader)[1] - '0';
    servers.Kill(killed);
    // The appends after the kill go through another leader.
    absl::StatusOr<std::string> new_leader = log->Leader();
    ASSERT_TRUE(new_leader.ok()) << new_leader.status();
    EXPECT_NE(*new_leader, *leader);
    ASSERT_TRUE(servers.Restart(killed));  // And the killed one comes back.
  });
}

TEST_F(JetStreamLogTest, KillingEveryServerLosesNoAcknowledgedAppend) {
  NatsServers servers(3, dir_.path());
  ASSERT_TRUE(servers.ok());
  std::unique_ptr<JetStreamLog> log = OpenLog(servers, 3);
  ASSERT_NE(log, nullptr);
  ExpectStormLosesNothing(*log, 300, [&] {
    for (int i = 0; i < servers.size(); ++i) servers.Kill(i);
    absl::SleepFor(absl::Milliseconds(500));  // Appends meanwhile find no server.
    for (int i = 0; i < servers.size(); ++i) ASSERT_TRUE(servers.Restart(i));
  }, /*attempts=*/3);
}

}  // namespace
}  // namespace newswire
