// The server side of one Subscribe stream: pulls framed events from a Hub
// subscription and writes them as raw SubscribeResponse messages, so the
// shared frames go to the socket without being copied or re-serialized.
#ifndef NEWSWIRE_SERVICE_SUBSCRIBE_REACTOR_H_
#define NEWSWIRE_SERVICE_SUBSCRIBE_REACTOR_H_

#include <string>

#include "grpcpp/server_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/server_callback.h"
#include "core/hub.h"

namespace newswire {

// Starts a reactor for `request` (a serialized SubscribeRequest) from
// `peer` (the gRPC peer address; its host is the client the per-client
// subscription limit counts) on `hub`. The reactor owns itself and is gone
// after gRPC calls OnDone. Bad requests finish the stream at once with
// INVALID_ARGUMENT naming the field; hub errors (OUT_OF_RANGE,
// RESOURCE_EXHAUSTED, UNAVAILABLE) likewise.
grpc::ServerWriteReactor<grpc::ByteBuffer>* StartSubscribeReactor(
    Hub& hub, const grpc::ByteBuffer& request, const std::string& peer);

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_SUBSCRIBE_REACTOR_H_
