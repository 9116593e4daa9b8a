// The server side of one Subscribe stream: pulls framed events from a Hub
// subscription and writes them as raw SubscribeResponse messages, so the
// shared frames go to the socket without being copied or re-serialized.
#ifndef NEWSWIRE_SERVICE_SUBSCRIBE_REACTOR_H_
#define NEWSWIRE_SERVICE_SUBSCRIBE_REACTOR_H_

#include "grpcpp/server_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/server_callback.h"
#include "core/hub.h"

namespace newswire {

// Starts a reactor for `request` (a serialized SubscribeRequest) on `hub`.
// The reactor owns itself and is gone after gRPC calls OnDone. Bad requests
// finish the stream at once with INVALID_ARGUMENT; hub errors (OUT_OF_RANGE,
// UNAVAILABLE) likewise.
grpc::ServerWriteReactor<grpc::ByteBuffer>* StartSubscribeReactor(
    Hub& hub, const grpc::ByteBuffer& request);

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_SUBSCRIBE_REACTOR_H_
