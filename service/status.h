// Conversions between absl::Status (core) and grpc::Status (the wire). The
// two share canonical codes, so the code and message pass through unchanged.
#ifndef NEWSWIRE_SERVICE_STATUS_H_
#define NEWSWIRE_SERVICE_STATUS_H_

#include "absl/status/status.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "grpcpp/support/status.h"

namespace newswire {

grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

// Finishes the unary call of `context` at once with `status`; what a
// callback method returns.
grpc::ServerUnaryReactor* FinishUnary(grpc::CallbackServerContext* context,
                                      const absl::Status& status);

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_STATUS_H_
