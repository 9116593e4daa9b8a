// The client against a server that answers Subscribe with bytes of its own
// choosing (a generic gRPC service on loopback): how the client reads what
// newswire's server would never send.
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/wire_format_lite.h"
#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "service/client.h"
#include "tests/service/canned_reactor.h"

namespace newswire {
namespace {

using ::google::protobuf::internal::WireFormatLite;

// Answers every call: reads the request, writes `response` as one message,
// then finishes OK.
class CannedService final : public grpc::CallbackGenericService {
 public:
  explicit CannedService(std::string response) : response_(std::move(response)) {}

  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext*) override {
    return new CannedReactor(response_);
  }

 private:
  const std::string response_;
};

// A server on a free loopback port answering with `response`.
struct CannedServer {
  explicit CannedServer(std::string response) : service(std::move(response)) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterCallbackGenericService(&service);
    server = builder.BuildAndStart();
  }
  ~CannedServer() { server->Shutdown(); }
  std::string address() const { return absl::StrCat("127.0.0.1:", port); }

  CannedService service;
  int port = 0;
  std::unique_ptr<grpc::Server> server;
};

// Reads the stream to its end: the events, then the status it ended with.
std::pair<std::vector<v1::FeedEvent>, absl::Status> ReadAll(EventStream& stream) {
  std::vector<v1::FeedEvent> events;
  while (true) {
    absl::StatusOr<std::optional<v1::FeedEvent>> event = stream.Next(absl::Seconds(10));
    if (!event.ok()) return {events, event.status()};
    if (!event->has_value()) return {events, absl::DeadlineExceededError("no end")};
    events.push_back(**event);
  }
}

std::string Field(int number, const std::string& bytes) {
  std::string out;
  google::protobuf::io::StringOutputStream stream(&out);
  google::protobuf::io::CodedOutputStream coded(&stream);
  WireFormatLite::WriteBytes(number, bytes, &coded);
  coded.Trim();
  return out;
}

TEST(ClientSubscribe, FieldsItDoesNotKnowAreSkipped) {
  v1::FeedEvent event;
  event.set_sequence(7);
  event.set_kind(v1::EVENT_KIND_PUBLISHED);
  event.mutable_article()->set_headline("Ferry timetable changes");
  // A SubscribeResponse from a newer server: an event, a field this client
  // does not know, an empty event.
  CannedServer server(Field(v1::SubscribeResponse::kEventsFieldNumber,
                            event.SerializeAsString()) +
                      Field(99, "later") + Field(v1::SubscribeResponse::kEventsFieldNumber, ""));
  ASSERT_NE(server.server, nullptr);
  Client client(server.address());
  auto stream = client.Subscribe(v1::SubscribeRequest());
  auto [events, status] = ReadAll(*stream);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].sequence(), 7u);
  EXPECT_EQ(events[0].article().headline(), "Ferry timetable changes");
  EXPECT_EQ(events[1].sequence(), 0u);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;  // Ended by the server.
}

TEST(ClientSubscribe, AMalformedResponseEndsTheStreamWithInternal) {
  // An events entry whose length runs past the end of the message.
  CannedServer server(std::string("\x0a\x40short", 7));
  ASSERT_NE(server.server, nullptr);
  Client client(server.address());
  auto stream = client.Subscribe(v1::SubscribeRequest());
  auto [events, status] = ReadAll(*stream);
  EXPECT_TRUE(events.empty());
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal) << status;
  EXPECT_NE(status.message().find("malformed SubscribeResponse"), std::string::npos) << status;
}

}  // namespace
}  // namespace newswire
