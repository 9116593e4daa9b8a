// Requests whose bytes do not parse. gRPC 1.51's callback handlers answer
// them UNIMPLEMENTED with no message (CallbackUnaryHandler::RunHandler asks
// the service for a reactor only when deserialization succeeded), which
// reads as a method the server lacks; and a streaming read that does not
// parse ends like the client's WritesDone. Every newswire method answers
// INVALID_ARGUMENT "malformed <Request>" instead: unary callback methods
// are registered through ParseCheckedUnary, streaming methods are raw and
// parse with ParseRequest.
#ifndef NEWSWIRE_SERVICE_REQUEST_BYTES_H_
#define NEWSWIRE_SERVICE_REQUEST_BYTES_H_

#include <functional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "grpcpp/impl/codegen/proto_utils.h"
#include "grpcpp/impl/codegen/server_callback_handlers.h"
#include "grpcpp/support/byte_buffer.h"
#include "service/status.h"

namespace newswire {

// INVALID_ARGUMENT "malformed <name of Request>".
template <typename Request>
absl::Status MalformedRequest() {
  return absl::InvalidArgumentError(
      absl::StrCat("malformed ", Request::descriptor()->name()));
}

// Parses `bytes` (left as they are: the copy parsed shares their slices)
// into `request`. Returns MalformedRequest<Request>() if they do not parse.
template <typename Request>
absl::Status ParseRequest(const grpc::ByteBuffer& bytes, Request* request) {
  grpc::ByteBuffer copy = bytes;
  if (!grpc::SerializationTraits<Request>::Deserialize(&copy, request).ok()) {
    return MalformedRequest<Request>();
  }
  return absl::OkStatus();
}

// The index gRPC's generated code gives `method` of `service` (a full name,
// "newswire.v1.NewsFeed"): its index in the proto's service descriptor.
// REQUIRES: the method exists.
int MethodIndex(absl::string_view service, absl::string_view method);

// The handler of a unary callback method: well-formed requests go to the
// service's method, malformed ones are answered MalformedRequest<Request>().
template <typename Request, typename Response>
class ParseCheckedUnaryHandler final : public grpc::internal::MethodHandler {
 public:
  using Serve = std::function<grpc::ServerUnaryReactor*(grpc::CallbackServerContext*,
                                                        const Request*, Response*)>;

  explicit ParseCheckedUnaryHandler(Serve serve)
      : served_(std::move(serve)),
        refused_([](grpc::CallbackServerContext* context, const Request*, Response*) {
          return FinishUnary(context, MalformedRequest<Request>());
        }) {}

  void RunHandler(const HandlerParameter& param) override {
    if (param.status.ok()) {
      served_.RunHandler(param);
      return;
    }
    // `refused_` is a handler of the same type as `served_`, so it takes
    // over the messages `served_.Deserialize` allocated for the call.
    refused_.RunHandler(HandlerParameter(param.call, param.server_context, param.request,
                                         grpc::Status::OK, param.internal_data,
                                         param.call_requester));
  }

  void* Deserialize(grpc_call* call, grpc_byte_buffer* request, grpc::Status* status,
                    void** handler_data) override {
    return served_.Deserialize(call, request, status, handler_data);
  }

 private:
  grpc::internal::CallbackUnaryHandler<Request, Response> served_;
  grpc::internal::CallbackUnaryHandler<Request, Response> refused_;
};

// A handler for grpc::Service::MarkMethodCallback serving `method` of
// `service` (which must outlive it) with ParseCheckedUnaryHandler. The
// generated SetMessageAllocatorFor_* must not be called after: they expect
// gRPC's own handler.
template <typename Service, typename Request, typename Response>
grpc::internal::MethodHandler* ParseCheckedUnary(
    Service* service,
    grpc::ServerUnaryReactor* (Service::*method)(grpc::CallbackServerContext*,
                                                 const Request*, Response*)) {
  return new ParseCheckedUnaryHandler<Request, Response>(
      [service, method](grpc::CallbackServerContext* context, const Request* request,
                        Response* response) {
        return (service->*method)(context, request, response);
      });
}

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_REQUEST_BYTES_H_
