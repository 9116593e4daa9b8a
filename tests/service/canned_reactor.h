// A generic gRPC server reaction for tests: reads the request, writes one
// canned response, finishes OK.
#ifndef NEWSWIRE_TESTS_SERVICE_CANNED_REACTOR_H_
#define NEWSWIRE_TESTS_SERVICE_CANNED_REACTOR_H_

#include <string>

#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/server_callback.h"

namespace newswire {

// Deletes itself when the call is done.
class CannedReactor final : public grpc::ServerGenericBidiReactor {
 public:
  explicit CannedReactor(const std::string& response) {
    grpc::Slice slice(response);
    response_ = grpc::ByteBuffer(&slice, 1);
    StartRead(&request_);
  }
  void OnReadDone(bool) override {
    StartWriteAndFinish(&response_, grpc::WriteOptions(), grpc::Status::OK);
  }
  void OnDone() override { delete this; }

 private:
  grpc::ByteBuffer request_, response_;
};

}  // namespace newswire

#endif  // NEWSWIRE_TESTS_SERVICE_CANNED_REACTOR_H_
