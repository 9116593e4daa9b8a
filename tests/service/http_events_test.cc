// GET /v1/stream's answers before a stream starts, called as the HTTP
// server calls the route (the streams themselves are tested end to end in
// tests/python/test_http_stream.py).
#include "service/http_events.h"

#include <memory>
#include <string>

#include "core/policy/key_store.h"
#include "core/policy/key_table.h"
#include "gtest/gtest.h"
#include "tests/core/memory_archive.h"

namespace newswire {
namespace {

class EventStreamRouteTest : public ::testing::Test {
 protected:
  HttpResponse Get(const std::string& query) {
    HttpRequest request;
    request.method = "GET";
    request.path = "/v1/stream";
    request.query = query;
    request.peer = "127.0.0.1:40000";
    return EventStreamRoutes(hub_, gate_, encoder_, metrics_)[0].handler(request);
  }

  const std::unique_ptr<SqliteStore> archive_ = NewMemoryArchive();
  SqliteStore& store_ = *archive_;
  std::unique_ptr<KeyTable> keys_ = *KeyTable::Open(OpenMemoryKeyStore());
  Gate gate_{keys_.get(), &store_};
  Hub hub_{&store_};
  SseEncoder encoder_;
  ServerMetrics metrics_;
};

TEST_F(EventStreamRouteTest, AStreamStartsWithTheEventStreamHeaders) {
  HttpResponse response = Get("place=Kyiv");
  EXPECT_EQ(response.status, 200);
  ASSERT_NE(response.stream, nullptr);
  EXPECT_FALSE(response.drop);
}

TEST_F(EventStreamRouteTest, WhileTheServerStopsARequestIsDroppedSoTheClientRetries) {
  hub_.Close();
  // Any HTTP status would make a browser's EventSource give up for good.
  HttpResponse response = Get("");
  EXPECT_TRUE(response.drop);
  EXPECT_EQ(response.stream, nullptr);
}

TEST_F(EventStreamRouteTest, ABadParameterIs400NamingIt) {
  HttpResponse response = Get("after=soon");
  EXPECT_EQ(response.status, 400);
  EXPECT_NE(response.body.find("after"), std::string::npos);
}

}  // namespace
}  // namespace newswire
