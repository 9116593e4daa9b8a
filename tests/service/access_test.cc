// Access control end to end: a real server on loopback, keys made in it,
// calls through the C++ client and through bare gRPC stubs whose metadata
// the test sets call by call.
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "newswire/v1/feed.grpc.pb.h"
#include "service/client.h"
#include "service/server.h"
#include "tests/core/policy/key_request.h"
#include "tests/core/temp_dir.h"
#include "tests/service/loopback.h"

namespace newswire {
namespace {

using ::testing::HasSubstr;

Article Story(const std::string& source, int n, const std::string& language = "en") {
  Article a;
  a.set_id(absl::StrCat("urn:", source, ":", n));
  a.set_headline(absl::StrCat(source, " report ", n));
  a.set_body_text(absl::StrCat("Report number ", n, " from ", source, "."));
  a.mutable_source()->set_name(source);
  a.set_language(language);
  return a;
}

// Article events of `stream` until `n` came or the stream ended or idled
// for `idle`.
std::vector<v1::FeedEvent> ReadArticles(EventStream& stream, size_t n,
                                        absl::Duration idle = absl::Seconds(10)) {
  std::vector<v1::FeedEvent> out;
  while (out.size() < n) {
    auto event = stream.Next(idle);
    if (!event.ok() || !event->has_value()) break;
    if ((*event)->has_article()) out.push_back(**event);
  }
  return out;
}

class AccessTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::optional<ServerOptions> options = StoreOptions(GetParam(), dir_.path(), nats_);
    if (!options) GTEST_SKIP() << "nats-server is not installed (make deps)";
    auto server = Server::Start(*options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  std::string CreateKey(const v1::CreateKeyRequest& request) {
    auto created = server_->keys().Create(request, absl::Now());
    EXPECT_TRUE(created.ok()) << created.status();
    ids_[request.name()] = created->key().id();
    return created->secret();
  }

  std::unique_ptr<Client> ClientWith(const std::string& key) {
    auto client = Client::Open(server_->address(), ClientOptions{.key = key, .tls = {}});
    EXPECT_TRUE(client.ok()) << client.status();
    return *std::move(client);
  }

  std::vector<v1::AuditEntry> Audit() {
    // Denials may still be on their way to the archive.
    absl::SleepFor(absl::Milliseconds(200));
    return *server_->audit_log().ReadAudit(absl::InfinitePast(), 0, 10000);
  }

  TempDir dir_;
  std::unique_ptr<NatsServers> nats_;
  std::unique_ptr<Server> server_;
  std::map<std::string, std::string> ids_;
};

TEST_P(AccessTest, WithoutKeysEveryCallIsOpen) {
  Client client(server_->address());
  ASSERT_TRUE(client.Publish(Story("AP", 1)).ok());
  auto me = client.GetEntitlements();
  ASSERT_TRUE(me.ok()) << me.status();
  EXPECT_EQ(me->via(), v1::GetEntitlementsResponse::VIA_OPEN);
}

TEST_P(AccessTest, KeysAreRequiredOnceOneExists) {
  const std::string secret = CreateKey(KeyRequest("desk", {v1::SCOPE_PUBLISH}));
  Client anonymous(server_->address());
  auto refused = anonymous.Publish(Story("AP", 1));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnauthenticated);
  auto published = ClientWith(secret)->Publish(Story("AP", 1));
  ASSERT_TRUE(published.ok()) << published.status();
  auto me = ClientWith(secret)->GetEntitlements();
  ASSERT_TRUE(me.ok());
  EXPECT_EQ(me->via(), v1::GetEntitlementsResponse::VIA_KEY);
  EXPECT_EQ(me->key().name(), "desk");
}

TEST_P(AccessTest, PublishingAsAnotherSourceIsDeniedAndAudited) {
  const std::string ap = CreateKey(KeyRequest("ap-desk", {v1::SCOPE_PUBLISH}, {"AP"}));
  const std::string reuters =
      CreateKey(KeyRequest("reuters-desk", {v1::SCOPE_PUBLISH}, {"Reuters"}));
  ASSERT_TRUE(ClientWith(reuters)->Publish(Story("Reuters", 1)).ok());
  auto as_reuters = ClientWith(ap)->Publish(Story("Reuters", 2));
  ASSERT_FALSE(as_reuters.ok());
  EXPECT_EQ(as_reuters.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(as_reuters.status().message(), HasSubstr("\"Reuters\""));
  // A kill of Reuters' story by AP's key, even claiming AP as its source.
  Article kill = Story("AP", 1);
  kill.set_id("urn:Reuters:1");
  kill.set_version(2);
  kill.set_pub_status(v1::PUB_STATUS_CANCELED);
  auto forged = ClientWith(ap)->Publish(kill);
  ASSERT_FALSE(forged.ok());
  EXPECT_EQ(forged.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(server_->store().GetArticle("urn:Reuters:1", 0)->article.pub_status(),
            v1::PUB_STATUS_USABLE);

  std::vector<v1::AuditEntry> audit = Audit();
  int denied = 0, allowed = 0;
  for (const auto& entry : audit) {
    (entry.decision() == v1::AuditEntry::DENIED ? denied : allowed)++;
    EXPECT_FALSE(absl::StrContains(entry.DebugString(), ap.substr(14)));
  }
  EXPECT_EQ(denied, 2);
  EXPECT_EQ(allowed, 1);
}

TEST_P(AccessTest, OneChannelAlternatingKeysIsJudgedPerCall) {
  const std::string writer = CreateKey(KeyRequest("writer", {v1::SCOPE_PUBLISH}));
  const std::string reader = CreateKey(KeyRequest("reader", {v1::SCOPE_SUBSCRIBE}));
  auto channel =
      grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
  auto stub = v1::NewsFeed::NewStub(channel);
  for (int i = 0; i < 100; ++i) {
    const bool as_writer = i % 2 == 0;
    grpc::ClientContext context;
    context.AddMetadata("authorization",
                        absl::StrCat("Bearer ", as_writer ? writer : reader));
    v1::PublishRequest request;
    *request.mutable_article() = Story("AP", i);
    v1::PublishResponse response;
    grpc::Status status = stub->Publish(&context, request, &response);
    if (as_writer) {
      EXPECT_TRUE(status.ok()) << i << ": " << status.error_message();
    } else {
      EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << i;
    }
  }
  EXPECT_EQ(server_->store().HeadSequence(), 50u);
}

TEST_P(AccessTest, ManyThreadsOfMixedKeysOnOneConnection) {
  const std::string writer = CreateKey(KeyRequest("writer", {v1::SCOPE_PUBLISH}, {"AP"}));
  const std::string reader = CreateKey(KeyRequest("reader", {v1::SCOPE_SEARCH}));
  auto channel =
      grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
  auto stub = v1::NewsFeed::NewStub(channel);
  std::atomic<int> wrong{0}, published{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 50; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        const int kind = (t + i) % 3;  // writer, reader, no key
        grpc::ClientContext context;
        if (kind == 0) context.AddMetadata("authorization", "Bearer " + writer);
        if (kind == 1) context.AddMetadata("x-api-key", reader);
        v1::PublishRequest request;
        *request.mutable_article() = Story("AP", t * 1000 + i);
        v1::PublishResponse response;
        const grpc::StatusCode code =
            stub->Publish(&context, request, &response).error_code();
        const grpc::StatusCode expected =
            kind == 0 ? grpc::StatusCode::OK
                      : (kind == 1 ? grpc::StatusCode::PERMISSION_DENIED
                                   : grpc::StatusCode::UNAUTHENTICATED);
        if (code != expected) ++wrong;
        if (code == grpc::StatusCode::OK) ++published;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(server_->store().HeadSequence(), static_cast<uint64_t>(published.load()));
}

TEST_P(AccessTest, RevocationEndsAnOpenStreamWithinTwoSeconds) {
  const std::string admin = CreateKey(KeyRequest("admin", {v1::SCOPE_ADMIN}));
  const std::string reader = CreateKey(KeyRequest("reader", {v1::SCOPE_SUBSCRIBE}));
  auto client = ClientWith(reader);
  v1::SubscribeRequest request;
  request.set_start(v1::SubscribeRequest::START_EARLIEST);
  std::unique_ptr<EventStream> stream = client->Subscribe(request);
  auto first = stream->Next(absl::Seconds(10));  // CAUGHT_UP: the stream is open.
  ASSERT_TRUE(first.ok() && first->has_value()) << first.status();

  auto revoked = ClientWith(admin)->RevokeKey(ids_["reader"]);
  ASSERT_TRUE(revoked.ok()) << revoked.status();
  const absl::Time at = absl::Now();
  absl::StatusOr<std::optional<v1::FeedEvent>> next;
  while ((next = stream->Next(absl::Seconds(3))).ok() && next->has_value()) {
  }
  ASSERT_FALSE(next.ok()) << "the stream was not ended";
  EXPECT_EQ(next.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(next.status().message(), HasSubstr("revoked"));
  EXPECT_LT(absl::Now() - at, absl::Seconds(2));
  // New calls are refused at once.
  auto again = client->Subscribe(request)->Next(absl::Seconds(10));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), absl::StatusCode::kUnauthenticated);

  bool revocation = false, ended = false;
  for (const auto& entry : Audit()) {
    revocation |= entry.method() == "RevokeKey" &&
                  absl::StrContains(entry.reason(), ids_["reader"]);
    ended |= entry.key_id() == ids_["reader"] &&
             absl::StrContains(entry.reason(), "stream ended");
  }
  EXPECT_TRUE(revocation);
  EXPECT_TRUE(ended);
}

TEST_P(AccessTest, EntitlementsNarrowCatchUpLiveGetAndSearch) {
  const std::string ap_reader =
      CreateKey(KeyRequest("ap-reader", {v1::SCOPE_SUBSCRIBE, v1::SCOPE_SEARCH}, {"AP"}));
  const std::string desk = CreateKey(KeyRequest("desk", {v1::SCOPE_PUBLISH}));
  auto publisher = ClientWith(desk);
  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE(publisher->Publish(Story("AP", i)).ok());
    ASSERT_TRUE(publisher->Publish(Story("Reuters", i)).ok());
  }
  auto reader = ClientWith(ap_reader);
  v1::SubscribeRequest request;
  request.set_start(v1::SubscribeRequest::START_EARLIEST);
  std::unique_ptr<EventStream> stream = reader->Subscribe(request);
  std::vector<v1::FeedEvent> caught_up = ReadArticles(*stream, 3);
  ASSERT_EQ(caught_up.size(), 3u);
  ASSERT_TRUE(publisher->Publish(Story("Reuters", 4)).ok());
  ASSERT_TRUE(publisher->Publish(Story("AP", 4)).ok());
  std::vector<v1::FeedEvent> live = ReadArticles(*stream, 1);
  ASSERT_EQ(live.size(), 1u);
  // Nothing else comes: the Reuters story was left out.
  EXPECT_TRUE(ReadArticles(*stream, 1, absl::Milliseconds(500)).empty());
  for (const auto& events : {caught_up, live}) {
    for (const auto& event : events) EXPECT_EQ(event.article().source().name(), "AP");
  }

  EXPECT_TRUE(reader->Get("urn:AP:1").ok());
  auto not_entitled = reader->Get("urn:Reuters:1");
  ASSERT_FALSE(not_entitled.ok());
  EXPECT_EQ(not_entitled.status().code(), absl::StatusCode::kPermissionDenied);

  if (GetParam() == "sqlite") {
    v1::SearchArticlesRequest search;
    search.set_query("report");
    auto found = reader->Search(search);
    ASSERT_TRUE(found.ok()) << found.status();
    EXPECT_EQ(found->hits_size(), 4);
    for (const auto& hit : found->hits()) EXPECT_EQ(hit.article().source().name(), "AP");
  }

  v1::SubscribeRequest disjoint;
  disjoint.mutable_filter()->add_sources("Reuters");
  auto denied = reader->Subscribe(disjoint)->Next(absl::Seconds(10));
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(denied.status().message(), HasSubstr("filter.sources"));
}

TEST_P(AccessTest, EmbargoedArticlesAreVisibleOnlyWithPreview) {
  const std::string desk = CreateKey(KeyRequest("desk", {v1::SCOPE_PUBLISH}));
  v1::CreateKeyRequest preview_request = KeyRequest("preview", {v1::SCOPE_SUBSCRIBE});
  preview_request.mutable_entitlements()->set_embargo_preview(true);
  const std::string preview = CreateKey(preview_request);
  const std::string plain = CreateKey(KeyRequest("plain", {v1::SCOPE_SUBSCRIBE}));
  Article embargoed = Story("AP", 9);
  *embargoed.mutable_embargoed_until() = ToProtoTime(absl::Now() + absl::Hours(1));
  auto held = ClientWith(desk)->Publish(embargoed);
  ASSERT_TRUE(held.ok()) << held.status();
  ASSERT_TRUE(held->held);

  auto seen = ClientWith(preview)->Get("urn:AP:9");
  ASSERT_TRUE(seen.ok()) << seen.status();
  EXPECT_TRUE(seen->held());
  EXPECT_EQ(seen->article().headline(), "AP report 9");
  EXPECT_EQ(ClientWith(plain)->Get("urn:AP:9").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_P(AccessTest, PublishStreamStopsAtRevocation) {
  const std::string desk = CreateKey(KeyRequest("desk", {v1::SCOPE_PUBLISH}));
  auto channel =
      grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
  auto stub = v1::NewsFeed::NewStub(channel);
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + desk);
  auto stream = stub->PublishStream(&context);
  v1::PublishRequest request;
  v1::PublishResponse ack;
  *request.mutable_article() = Story("AP", 1);
  ASSERT_TRUE(stream->Write(request));
  ASSERT_TRUE(stream->Read(&ack));
  ASSERT_TRUE(server_->keys().Revoke(ids_["desk"], absl::Now()).ok());
  *request.mutable_article() = Story("AP", 2);
  stream->Write(request);
  stream->WritesDone();
  while (stream->Read(&ack)) {
  }
  grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(server_->store().HeadSequence(), 1u);
}

INSTANTIATE_TEST_SUITE_P(AllStores, AccessTest, kEveryStore,
                         [](const auto& info) { return info.param; });

TEST(ServerExposure, PlaintextBeyondLoopbackIsRefused) {
  ServerOptions options = LoopbackOptions();
  options.listen = "0.0.0.0:0";
  auto server = Server::Start(options);
  ASSERT_FALSE(server.ok());
  EXPECT_EQ(server.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(server.status().message(), HasSubstr("TLS and API keys"));
  EXPECT_THAT(server.status().message(), HasSubstr("--insecure"));
}

TEST(ServerExposure, SecondServerOnAPortInUseFails) {
  auto first = Server::Start(LoopbackOptions());
  ASSERT_TRUE(first.ok()) << first.status();
  ServerOptions options = LoopbackOptions();
  options.listen = (*first)->address();
  auto second = Server::Start(options);
  ASSERT_FALSE(second.ok()) << "two servers listen on " << options.listen;
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(second.status().message(), HasSubstr("in use"));
}

TEST(ServerKeys, KeysSurviveARestartOfTheArchive) {
  TempDir dir;
  std::string secret;
  {
    auto server = Server::Start(LoopbackOptions(dir.path()));
    ASSERT_TRUE(server.ok());
    secret = (*server)
                 ->keys()
                 .Create(KeyRequest("desk", {v1::SCOPE_PUBLISH}), absl::Now())
                 ->secret();
  }
  auto server = Server::Start(LoopbackOptions(dir.path()));
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_EQ(Client((*server)->address()).Publish(Story("AP", 1)).status().code(),
            absl::StatusCode::kUnauthenticated);
  auto client =
      Client::Open((*server)->address(), ClientOptions{.key = secret, .tls = {}});
  ASSERT_TRUE(client.ok());
  EXPECT_TRUE((*client)->Publish(Story("AP", 1)).ok());
}

}  // namespace
}  // namespace newswire
