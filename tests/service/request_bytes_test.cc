// What the server makes of request bytes it cannot use, end to end over a
// real server: bytes that do not parse, for every method of every service,
// and ids longer than any id can be, for every method taking one.
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/impl/codegen/proto_utils.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "newswire/v1/access.grpc.pb.h"
#include "newswire/v1/feed.grpc.pb.h"
#include "service/client.h"
#include "service/server.h"
#include "tests/service/loopback.h"

namespace newswire {
namespace {

// Field 1, length-delimited, 16 bytes long, of which only 3 are sent: no
// message parses from it.
const std::string kTruncated(
    "\x0a\x10"
    "abc",
    5);

// One call to `method` ("/package.Service/Method") sending raw bytes: a
// generic stream serves every kind of method, since a unary call is one
// message each way on the wire too. Each step waits for its completion.
class RawCall {
 public:
  RawCall(const std::shared_ptr<grpc::Channel>& channel, const std::string& method)
      : stub_(channel) {
    context_.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    call_ = stub_.PrepareCall(&context_, method, &queue_);
    call_->StartCall(this);
    Wait();
  }
  ~RawCall() {
    queue_.Shutdown();
    void* tag;
    bool ok;
    while (queue_.Next(&tag, &ok)) {
    }
  }

  // Not ok when the server finished the call first.
  bool Write(const std::string& bytes, bool last) {
    grpc::Slice slice(bytes);
    grpc::ByteBuffer buffer(&slice, 1);
    if (last) {
      call_->WriteLast(buffer, grpc::WriteOptions(), this);
    } else {
      call_->Write(buffer, this);
    }
    return Wait();
  }
  bool Read(grpc::ByteBuffer* response) {
    call_->Read(response, this);
    return Wait();
  }
  grpc::Status Finish() {
    grpc::Status status;
    call_->Finish(&status, this);
    Wait();
    return status;
  }

 private:
  bool Wait() {
    void* tag;
    bool ok = false;
    EXPECT_TRUE(queue_.Next(&tag, &ok));
    return ok;
  }

  grpc::GenericStub stub_;
  grpc::CompletionQueue queue_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call_;
};

Article Story(int n) {
  Article a;
  a.set_headline(absl::StrCat("Harbour report ", n));
  a.set_dateline("PORTO, Portugal");
  a.set_body_text(absl::StrCat("Ships in port today: ", n, ".\n\nMore tomorrow."));
  return a;
}

class RequestBytesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = Server::Start(LoopbackOptions());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    channel_ =
        grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
    client_ = std::make_unique<Client>(server_->address());
  }

  std::unique_ptr<Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<Client> client_;
};

TEST_F(RequestBytesTest, EveryMethodAnswersMalformedBytesNamingTheRequest) {
  auto stored = client_->Publish(Story(1));
  ASSERT_TRUE(stored.ok()) << stored.status();
  int methods = 0;
  for (const char* name :
       {v1::NewsFeed::service_full_name(), v1::Account::service_full_name(),
        v1::Admin::service_full_name()}) {
    const google::protobuf::ServiceDescriptor* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    ASSERT_NE(service, nullptr) << name;
    for (int i = 0; i < service->method_count(); ++i, ++methods) {
      const google::protobuf::MethodDescriptor* method = service->method(i);
      const std::string path =
          absl::StrCat("/", service->full_name(), "/", method->name());
      RawCall call(channel_, path);
      call.Write(kTruncated, true);
      grpc::Status status = call.Finish();
      EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
          << path << ": " << status.error_message();
      EXPECT_NE(status.error_message().find(
                    absl::StrCat("malformed ", method->input_type()->name())),
                std::string::npos)
          << path << ": " << status.error_message();
    }
  }
  EXPECT_EQ(methods, 11);
  // The server goes on serving, and what it stored is still there.
  auto got = client_->Get(stored->id);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->article().headline(), "Harbour report 1");
  auto next = client_->Publish(Story(2));
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->sequence, stored->sequence + 1);
}

TEST_F(RequestBytesTest, PublishStreamKeepsWhatCameBeforeAMalformedRequest) {
  v1::PublishRequest first;
  *first.mutable_article() = Story(1);
  // One well-formed request, then garbage, on one stream.
  RawCall call(channel_, "/newswire.v1.NewsFeed/PublishStream");
  ASSERT_TRUE(call.Write(first.SerializeAsString(), false));
  grpc::ByteBuffer ack;
  ASSERT_TRUE(call.Read(&ack));
  call.Write(kTruncated, true);
  grpc::Status status = call.Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "article 2 of the stream: malformed PublishRequest");

  v1::PublishResponse acked;
  ASSERT_TRUE(
      grpc::SerializationTraits<v1::PublishResponse>::Deserialize(&ack, &acked).ok());
  auto got = client_->Get(acked.id());
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->article().headline(), "Harbour report 1");
}

TEST_F(RequestBytesTest, IdsOverTheLimitAreRefusedWithAShortMessageNamingTheField) {
  auto stored = client_->Publish(Story(1));
  ASSERT_TRUE(stored.ok()) << stored.status();
  const std::string huge = "urn:" + std::string(20 << 10, 'x');
  auto expect_refused = [&huge](const std::string& what, grpc::StatusCode code,
                                const std::string& message) {
    EXPECT_EQ(code, grpc::StatusCode::INVALID_ARGUMENT) << what << ": " << message;
    EXPECT_LT(message.size(), 300u) << what;
    EXPECT_EQ(message,
              absl::StrCat("id: ", huge.size(), " bytes is over the limit of 512"))
        << what;
  };
  auto got = client_->Get(huge);
  expect_refused("GetArticle", static_cast<grpc::StatusCode>(got.status().code()),
                 std::string(got.status().message()));

  auto admin = v1::Admin::NewStub(channel_);
  {
    grpc::ClientContext context;
    v1::RevokeKeyRequest request;
    request.set_id(huge);
    v1::RevokeKeyResponse response;
    grpc::Status status = admin->RevokeKey(&context, request, &response);
    expect_refused("RevokeKey", status.error_code(), status.error_message());
  }
  {
    grpc::ClientContext context;
    v1::RotateKeyRequest request;
    request.set_id(huge);
    v1::CreateKeyResponse response;
    grpc::Status status = admin->RotateKey(&context, request, &response);
    expect_refused("RotateKey", status.error_code(), status.error_message());
  }

  // The server still answers, and what it stored is still there.
  auto again = client_->Get(stored->id);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->article().headline(), "Harbour report 1");
}

TEST_F(RequestBytesTest, UnknownIdsAreQuotedOnlyInPart) {
  const std::string long_id = "urn:" + std::string(500, 'y');
  auto got = client_->Get(long_id);
  EXPECT_EQ(got.status().code(), absl::StatusCode::kNotFound);
  EXPECT_LT(got.status().message().size(), 120u) << got.status();
  EXPECT_NE(got.status().message().find("no article with id \"urn:yyy"),
            std::string::npos)
      << got.status();

  auto admin = v1::Admin::NewStub(channel_);
  grpc::ClientContext context;
  v1::RevokeKeyRequest request;
  request.set_id(std::string(500, 'k'));
  v1::RevokeKeyResponse response;
  grpc::Status status = admin->RevokeKey(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_LT(status.error_message().size(), 120u) << status.error_message();
}

}  // namespace
}  // namespace newswire
