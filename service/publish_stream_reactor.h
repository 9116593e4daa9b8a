// The server side of one PublishStream call: a bulk load. Each request is
// published through the Wire in arrival order and acknowledged by one
// response, in the same order. The first article that cannot be published
// ends the stream with its error (naming its position in the stream); the
// articles before it stay published and acknowledged; a request whose bytes
// do not parse is such an error (INVALID_ARGUMENT "malformed
// PublishRequest"). The stream is raw (bytes in and out) because gRPC's
// typed stream reads cannot tell such a request from the end of the stream.
#ifndef NEWSWIRE_SERVICE_PUBLISH_STREAM_REACTOR_H_
#define NEWSWIRE_SERVICE_PUBLISH_STREAM_REACTOR_H_

#include "absl/status/statusor.h"
#include "core/policy/gate.h"
#include "core/publish/wire.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/server_callback.h"
#include "newswire/v1/feed.pb.h"

namespace newswire {

// Starts a reactor publishing through `wire` as `caller`, admitted by
// `gate` for the first article; every later article is readmitted (the key
// still valid, within its publish rate). A call the gate refused ends at
// once with its status. The reactor deletes itself when gRPC calls OnDone.
grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* StartPublishStreamReactor(
    Wire& wire, Gate& gate, absl::StatusOr<Caller> caller);

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_PUBLISH_STREAM_REACTOR_H_
