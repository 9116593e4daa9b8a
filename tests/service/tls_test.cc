// TLS at the gRPC edge, against a real server on loopback: handshakes,
// client certificates and the principal they name, certificate rotation on
// disk, and the checks made before a server starts.
#include "service/tls.h"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "grpc/grpc.h"
#include "grpcpp/alarm.h"
#include "grpcpp/client_context.h"
#include "grpcpp/completion_queue.h"
#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "grpcpp/support/byte_buffer.h"
#include "gtest/gtest.h"
#include "service/status.h"
#include "tests/service/canned_reactor.h"
#include "tests/service/test_certs.h"

namespace newswire {
namespace {

// The call got in, and the server saw the principal `principal`.
MATCHER_P(AnsweredWith, principal, "") {
  return arg.status.ok() && arg.principal == principal;
}

// The call was refused (UNAVAILABLE: no TLS session was set up).
MATCHER(Refused, "") { return arg.status.code() == absl::StatusCode::kUnavailable; }

// An absl::Status of `code` whose message names `text` (a file, a flag).
MATCHER_P2(ErrorNaming, code, text, "") {
  return arg.code() == code && absl::StrContains(arg.message(), text);
}

constexpr char kPrincipalMethod[] = "/newswire.test.TlsProbe/Principal";
constexpr char kTickMethod[] = "/newswire.test.TlsProbe/Tick";

grpc::ByteBuffer ToByteBuffer(const std::string& text) {
  grpc::Slice slice(text);
  return grpc::ByteBuffer(&slice, 1);
}

std::string ToString(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  (void)buffer.Dump(&slices);
  std::string text;
  for (const grpc::Slice& slice : slices) {
    text.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return text;
}

// Answers kTickMethod with a message every 50 ms until the call is
// cancelled. Exactly one of a write and a timer is outstanding at a time,
// and whichever completes after the cancellation finishes the call.
class TickReactor final : public grpc::ServerGenericBidiReactor {
 public:
  TickReactor() { StartRead(&request_); }

  void OnReadDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "no request"));
      return;
    }
    Tick();
  }
  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "write failed"));
      return;
    }
    // The previous alarm has fired; gRPC keeps it alive while its callback
    // runs, so replacing it here is safe.
    alarm_ = std::make_unique<grpc::Alarm>();
    alarm_->Set(std::chrono::system_clock::now() + std::chrono::milliseconds(50),
                [this](bool) {
                  if (cancelled_.load()) {
                    Finish(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled"));
                  } else {
                    Tick();
                  }
                });
  }
  void OnCancel() override { cancelled_.store(true); }
  void OnDone() override { delete this; }

 private:
  void Tick() {
    message_ = ToByteBuffer(absl::StrCat("tick ", ++ticks_));
    StartWrite(&message_);
  }

  grpc::ByteBuffer request_, message_;
  int ticks_ = 0;
  std::atomic<bool> cancelled_{false};
  std::unique_ptr<grpc::Alarm> alarm_;
};

class TlsProbeService final : public grpc::CallbackGenericService {
 public:
  grpc::ServerGenericBidiReactor* CreateReactor(
      grpc::GenericCallbackServerContext* context) override {
    if (context->method() == kTickMethod) return new TickReactor();
    // Answers kPrincipalMethod with the caller's CertificatePrincipal.
    return new CannedReactor(CertificatePrincipal(*context->auth_context()));
  }
};

// A TlsProbeService on 127.0.0.1 with a free port.
class ProbeServer {
 public:
  static absl::StatusOr<std::unique_ptr<ProbeServer>> Start(
      std::shared_ptr<grpc::ServerCredentials> credentials) {
    auto server = std::unique_ptr<ProbeServer>(new ProbeServer());
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", std::move(credentials), &server->port_);
    builder.RegisterCallbackGenericService(&server->service_);
    server->server_ = builder.BuildAndStart();
    if (server->server_ == nullptr || server->port_ == 0) {
      return absl::InternalError("the probe server did not start");
    }
    return server;
  }
  ~ProbeServer() {
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  }

  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }

 private:
  ProbeServer() = default;

  TlsProbeService service_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

// A channel with a subchannel of its own, so that it opens (and handshakes)
// its own connection rather than reusing another channel's.
absl::StatusOr<std::shared_ptr<grpc::Channel>> OwnChannel(
    const std::string& target, const TlsClientOptions& options) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return OpenChannel(target, options, std::move(args));
}

// How a kPrincipalMethod call ended: its status and, when OK, the principal
// the server saw.
struct Answer {
  absl::Status status;
  std::string principal;

  friend std::ostream& operator<<(std::ostream& out, const Answer& answer) {
    if (!answer.status.ok()) return out << "failed: " << answer.status;
    return out << "answered \"" << answer.principal << "\"";
  }
};

// Calls kPrincipalMethod on a fresh connection.
Answer AskPrincipal(const std::string& target, const TlsClientOptions& options) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = OwnChannel(target, options);
  if (!channel.ok()) return {channel.status(), ""};
  grpc::GenericStub stub(*channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::CompletionQueue cq;
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> call =
      stub.PrepareUnaryCall(&context, kPrincipalMethod, ToByteBuffer("who am i"), &cq);
  call->StartCall();
  grpc::ByteBuffer response;
  grpc::Status status;
  call->Finish(&response, &status, nullptr);
  void* tag;
  bool ok;
  cq.Next(&tag, &ok);  // The call's end.
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  if (!status.ok()) return {FromGrpcStatus(status), ""};
  return {absl::OkStatus(), ToString(response)};
}

// A kTickMethod call: messages arrive every 50 ms until it is destroyed.
class TickStream {
 public:
  explicit TickStream(std::shared_ptr<grpc::Channel> channel)
      : stub_(std::move(channel)) {
    context_.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    call_ = stub_.PrepareCall(&context_, kTickMethod, &cq_);
    call_->StartCall(nullptr);
    started_ = Wait();
    if (!started_) return;
    grpc::ByteBuffer request = ToByteBuffer("tick");
    call_->Write(request, nullptr);
    started_ = Wait();
  }
  TickStream(const TickStream&) = delete;
  TickStream& operator=(const TickStream&) = delete;
  ~TickStream() {
    context_.TryCancel();
    grpc::Status status;
    call_->Finish(&status, nullptr);
    Wait();
    cq_.Shutdown();
    void* tag;
    bool ok;
    while (cq_.Next(&tag, &ok)) {
    }
  }

  // Waits for the next message; false when the stream has ended.
  bool Next() {
    if (!started_) return false;
    call_->Read(&message_, nullptr);
    return Wait();
  }

 private:
  // Waits for the one operation outstanding; returns whether it succeeded.
  bool Wait() {
    void* tag;
    bool ok = false;
    return cq_.Next(&tag, &ok) && ok;
  }

  grpc::GenericStub stub_;
  grpc::ClientContext context_;
  grpc::CompletionQueue cq_;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call_;
  grpc::ByteBuffer message_;
  bool started_ = false;
};

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!TestPki::OpensslAvailable()) {
      GTEST_SKIP() << "the openssl command line is not installed; it makes the "
                      "test certificates";
    }
    const absl::Status created = pki_.Create();
    ASSERT_TRUE(created.ok()) << created;
  }

  // Starts a server with ServerTls::Start(options).
  void Serve(const TlsServerOptions& options) {
    absl::StatusOr<std::unique_ptr<ServerTls>> tls = ServerTls::Start(options);
    ASSERT_TRUE(tls.ok()) << tls.status();
    tls_ = *std::move(tls);
    absl::StatusOr<std::unique_ptr<ProbeServer>> server =
        ProbeServer::Start(tls_->credentials());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  TlsServerOptions ServerOptions() const {
    TlsServerOptions options;
    options.cert_file = pki_.server().cert_file;
    options.key_file = pki_.server().key_file;
    return options;
  }
  TlsClientOptions TrustingClient() const {
    TlsClientOptions options;
    options.ca_file = pki_.ca().cert_file;
    return options;
  }
  TlsClientOptions ClientWith(const TestIdentity& identity) const {
    TlsClientOptions options = TrustingClient();
    options.cert_file = identity.cert_file;
    options.key_file = identity.key_file;
    return options;
  }
  std::string address() const { return server_->address(); }

  TestPki pki_;
  std::unique_ptr<ServerTls> tls_;  // Outlives the server (declared before it).
  std::unique_ptr<ProbeServer> server_;
};

TEST_F(TlsTest, ClientTrustingTheCaCompletesTheHandshake) {
  ASSERT_NO_FATAL_FAILURE(Serve(ServerOptions()));
  EXPECT_THAT(AskPrincipal(address(), TrustingClient()), AnsweredWith(""));
}

TEST_F(TlsTest, ServerNameOverrideVerifiesAgainstThatName) {
  ASSERT_NO_FATAL_FAILURE(Serve(ServerOptions()));
  TlsClientOptions client = TrustingClient();
  client.server_name = "localhost";
  EXPECT_THAT(AskPrincipal(address(), client), AnsweredWith(""));
  client.server_name = "wire.example.com";
  EXPECT_THAT(AskPrincipal(address(), client), Refused());
}

TEST_F(TlsTest, PlaintextClientIsRefusedByATlsServer) {
  ASSERT_NO_FATAL_FAILURE(Serve(ServerOptions()));
  EXPECT_THAT(AskPrincipal(address(), TlsClientOptions()), Refused());
}

TEST_F(TlsTest, ClientNotTrustingTheServersCaIsRefused) {
  ASSERT_NO_FATAL_FAILURE(Serve(ServerOptions()));
  TlsClientOptions client;
  client.ca_file = pki_.foreign_ca().cert_file;
  EXPECT_THAT(AskPrincipal(address(), client), Refused());
}

TEST_F(TlsTest, WithoutClientCaAClientCertificateIsNotAskedFor) {
  ASSERT_NO_FATAL_FAILURE(Serve(ServerOptions()));
  EXPECT_THAT(AskPrincipal(address(), ClientWith(pki_.uri_client())), AnsweredWith(""));
  // Not asked for, so not checked either.
  EXPECT_THAT(AskPrincipal(address(), ClientWith(pki_.foreign_client())),
              AnsweredWith(""));
}

TEST_F(TlsTest, WithClientCaACertificateIsVerifiedWhenPresented) {
  TlsServerOptions options = ServerOptions();
  options.client_ca_file = pki_.ca().cert_file;
  ASSERT_NO_FATAL_FAILURE(Serve(options));
  EXPECT_THAT(AskPrincipal(address(), TrustingClient()), AnsweredWith(""))
      << "a client without a certificate";
  EXPECT_THAT(AskPrincipal(address(), ClientWith(pki_.uri_client())),
              AnsweredWith(TestPki::kClientUri));
  EXPECT_THAT(AskPrincipal(address(), ClientWith(pki_.cn_client())),
              AnsweredWith(TestPki::kCnClientCn));
  EXPECT_THAT(AskPrincipal(address(), ClientWith(pki_.foreign_client())), Refused());
}

TEST_F(TlsTest, RequireClientCertRefusesAClientWithout) {
  TlsServerOptions options = ServerOptions();
  options.client_ca_file = pki_.ca().cert_file;
  options.require_client_cert = true;
  ASSERT_NO_FATAL_FAILURE(Serve(options));
  EXPECT_THAT(AskPrincipal(address(), TrustingClient()), Refused());
  EXPECT_THAT(AskPrincipal(address(), ClientWith(pki_.uri_client())),
              AnsweredWith(TestPki::kClientUri));
  EXPECT_THAT(AskPrincipal(address(), ClientWith(pki_.cn_client())),
              AnsweredWith(TestPki::kCnClientCn));
  EXPECT_THAT(AskPrincipal(address(), ClientWith(pki_.foreign_client())), Refused());
}

// Certificates replaced on disk while the server runs. The server reads
// copies in the test's directory, every second; the next certificate comes
// from a new CA, so a client trusting only that CA gets in exactly when the
// server presents it.
class TlsRotationTest : public TlsTest {
 protected:
  static constexpr absl::Duration kRefresh = absl::Seconds(1);

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(TlsTest::SetUp());
    if (IsSkipped()) return;
    absl::StatusOr<TestIdentity> next_ca = pki_.NewAuthority("Next Test CA");
    ASSERT_TRUE(next_ca.ok()) << next_ca.status();
    absl::StatusOr<TestIdentity> next = pki_.IssueServer(*next_ca, "newswire-server-2");
    ASSERT_TRUE(next.ok()) << next.status();
    next_ = *std::move(next);
    trusts_next_.ca_file = next_ca->cert_file;
  }

  // Serves copies of the server's certificate and key, as cert_ and key_.
  void ServeCopies() {
    std::filesystem::copy_file(pki_.server().cert_file, cert_);
    std::filesystem::copy_file(pki_.server().key_file, key_);
    TlsServerOptions options;
    options.cert_file = cert_;
    options.key_file = key_;
    options.refresh = kRefresh;
    ASSERT_NO_FATAL_FAILURE(Serve(options));
  }

  // Replaces `path` with `contents` the way a certificate manager would:
  // written aside, then renamed over it in one step.
  static void ReplaceByRename(const std::string& path, const std::string& contents) {
    const std::string aside = path + ".next";
    ASSERT_TRUE(TestPki::WriteFile(aside, contents).ok());
    std::filesystem::rename(aside, path);
  }

  // Handshakes on fresh connections until one presents the next certificate,
  // for at most the refresh interval and a second from now.
  void ExpectNextCertificateServedInTime() {
    const absl::Time bound = absl::Now() + kRefresh + absl::Seconds(1);
    Answer answer = AskPrincipal(address(), trusts_next_);
    while (!answer.status.ok() && absl::Now() < bound) {
      absl::SleepFor(absl::Milliseconds(50));
      answer = AskPrincipal(address(), trusts_next_);
    }
    EXPECT_TRUE(answer.status.ok())
        << "no new handshake presented the new certificate within "
           "refresh + 1 s: "
        << answer;
  }

  const std::string cert_ = pki_.dir() + "/served.pem";
  const std::string key_ = pki_.dir() + "/served.key";
  TestIdentity next_;
  TlsClientOptions trusts_next_;
};

TEST_F(TlsRotationTest, ReplacedCertificateIsServedWithoutRestart) {
  ASSERT_NO_FATAL_FAILURE(ServeCopies());
  ASSERT_THAT(AskPrincipal(address(), TrustingClient()), AnsweredWith(""));
  ASSERT_THAT(AskPrincipal(address(), trusts_next_), Refused());
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      OwnChannel(address(), TrustingClient());
  ASSERT_TRUE(channel.ok()) << channel.status();
  TickStream stream(*channel);
  ASSERT_TRUE(stream.Next()) << "the stream did not start";

  // Key first: between the two renames the files hold a pair that does not
  // match, which is never served (KeyReplacedAloneKeepsThePreviousPair).
  ASSERT_NO_FATAL_FAILURE(ReplaceByRename(key_, TestPki::ReadFile(next_.key_file)));
  ASSERT_NO_FATAL_FAILURE(ReplaceByRename(cert_, TestPki::ReadFile(next_.cert_file)));
  ExpectNextCertificateServedInTime();

  // The connection made before the rotation keeps working...
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(stream.Next()) << "the stream opened before the rotation ended";
  }
  // ...while new ones see only the new certificate.
  EXPECT_THAT(AskPrincipal(address(), TrustingClient()), Refused());
}

// tls.h: the key and certificate may be one file, replaced in one rename.
TEST_F(TlsRotationTest, OneFileHoldingKeyAndCertificateIsReplacedInOneRename) {
  ASSERT_TRUE(TestPki::WriteFile(cert_, TestPki::ReadFile(pki_.server().key_file) +
                                            TestPki::ReadFile(pki_.server().cert_file))
                  .ok());
  TlsServerOptions options;
  options.cert_file = cert_;
  options.key_file = cert_;
  options.refresh = kRefresh;
  ASSERT_NO_FATAL_FAILURE(Serve(options));
  ASSERT_THAT(AskPrincipal(address(), TrustingClient()), AnsweredWith(""));

  ASSERT_NO_FATAL_FAILURE(ReplaceByRename(
      cert_, TestPki::ReadFile(next_.cert_file) + TestPki::ReadFile(next_.key_file)));
  ExpectNextCertificateServedInTime();
}

// What tls.h promises for a half-done rotation. gRPC 1.51's
// FileWatcherCertificateProvider alone would pass the mismatched pair on,
// the server's handshaker factory could not be built from it (logged:
// "Invalid private key", "Update handshaker factory failed"), and every new
// handshake would fail until a matching pair is read again; ServerTls never
// passes such a pair on.
TEST_F(TlsRotationTest, KeyReplacedAloneKeepsThePreviousPair) {
  ASSERT_NO_FATAL_FAILURE(ServeCopies());
  ASSERT_NO_FATAL_FAILURE(ReplaceByRename(key_, TestPki::ReadFile(next_.key_file)));
  // Every read in this time sees the new key with the old certificate.
  const absl::Time bound = absl::Now() + kRefresh + absl::Seconds(1);
  while (absl::Now() < bound) {
    ASSERT_THAT(AskPrincipal(address(), TrustingClient()), AnsweredWith(""));
    absl::SleepFor(absl::Milliseconds(100));
  }
}

class TlsOptionsTest : public TlsTest {
 protected:
  // The error ServerTls::Start returns for `options`.
  static absl::Status ServerError(const TlsServerOptions& options) {
    return ServerTls::Start(options).status();
  }

  std::string Garbage() const {
    const std::string path = pki_.dir() + "/garbage.pem";
    EXPECT_TRUE(TestPki::WriteFile(path, "this is not PEM\n").ok());
    return path;
  }
};

TEST_F(TlsOptionsTest, MissingFileIsNotFoundAndNamed) {
  const std::string missing = pki_.dir() + "/missing.pem";
  for (std::string TlsServerOptions::*file :
       {&TlsServerOptions::cert_file, &TlsServerOptions::key_file,
        &TlsServerOptions::client_ca_file}) {
    TlsServerOptions options = ServerOptions();
    options.*file = missing;
    EXPECT_THAT(ServerError(options), ErrorNaming(absl::StatusCode::kNotFound, missing));
  }
}

TEST_F(TlsOptionsTest, GarbageIsInvalidAndNamed) {
  const std::string garbage = Garbage();
  for (std::string TlsServerOptions::*file :
       {&TlsServerOptions::cert_file, &TlsServerOptions::key_file,
        &TlsServerOptions::client_ca_file}) {
    TlsServerOptions options = ServerOptions();
    options.*file = garbage;
    EXPECT_THAT(ServerError(options),
                ErrorNaming(absl::StatusCode::kInvalidArgument, garbage));
  }
  // A CA file must hold a certificate; a key is not one.
  TlsServerOptions options = ServerOptions();
  options.client_ca_file = pki_.ca().key_file;
  EXPECT_THAT(ServerError(options),
              ErrorNaming(absl::StatusCode::kInvalidArgument, pki_.ca().key_file));
}

TEST_F(TlsOptionsTest, KeyOfAnotherCertificateIsInvalidAndNamed) {
  TlsServerOptions options = ServerOptions();
  options.key_file = pki_.uri_client().key_file;
  EXPECT_THAT(ServerError(options), ErrorNaming(absl::StatusCode::kInvalidArgument,
                                                pki_.uri_client().key_file));
}

TEST_F(TlsOptionsTest, RequireClientCertWithoutCaIsInvalid) {
  TlsServerOptions options = ServerOptions();
  options.require_client_cert = true;
  EXPECT_THAT(ServerError(options),
              ErrorNaming(absl::StatusCode::kInvalidArgument, "require-client-cert"));
}

TEST_F(TlsOptionsTest, CertificateWithoutKeyIsInvalid) {
  TlsServerOptions options = ServerOptions();
  options.key_file.clear();
  EXPECT_EQ(ServerError(options).code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(TlsOptionsTest, ClientFilesAreCheckedAndNamed) {
  const std::string missing = pki_.dir() + "/missing.pem";
  TlsClientOptions client;
  client.ca_file = missing;
  EXPECT_THAT(OpenChannel("127.0.0.1:1", client).status(),
              ErrorNaming(absl::StatusCode::kNotFound, missing));

  const std::string garbage = Garbage();
  client.ca_file = garbage;
  EXPECT_THAT(OpenChannel("127.0.0.1:1", client).status(),
              ErrorNaming(absl::StatusCode::kInvalidArgument, garbage));

  client = ClientWith(pki_.uri_client());
  client.key_file = missing;
  EXPECT_THAT(OpenChannel("127.0.0.1:1", client).status(),
              ErrorNaming(absl::StatusCode::kNotFound, missing));

  client = ClientWith(pki_.uri_client());
  client.key_file.clear();
  EXPECT_EQ(OpenChannel("127.0.0.1:1", client).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(TlsPlaintext, ConnectionHasNoPrincipal) {
  absl::StatusOr<std::unique_ptr<ProbeServer>> server =
      ProbeServer::Start(grpc::InsecureServerCredentials());
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_THAT(AskPrincipal((*server)->address(), TlsClientOptions()), AnsweredWith(""));
}

TEST(TlsLoopback, OnlyLoopbackAddressesAndUnixSocketsCount) {
  struct Case {
    const char* address;
    bool loopback;
  };
  const Case cases[] = {
      {"127.0.0.1:1", true},
      {"127.5.0.1:80", true},
      {"[::1]:50051", true},
      {"localhost:1", true},
      {"LOCALHOST:1", true},
      {"unix:/tmp/x", true},
      {"unix-abstract:x", true},
      {"0.0.0.0:1", false},
      {"[::]:1", false},
      {"10.0.0.1:1", false},
      {"example.com:1", false},
      {"128.0.0.1:1", false},
      {"[::ffff:10.0.0.1]:1", false},
      {"[::ffff:127.0.0.1]:1", true},
      {"ipv4:127.0.0.1:1", true},
      {"ipv6:[::1]:1", true},
      {"ipv4:10.0.0.1:1", false},
      {"localhost.example.com:1", false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(IsLoopbackAddress(c.address), c.loopback) << c.address;
  }
}

}  // namespace
}  // namespace newswire
