// What one gRPC call presents to the Gate, read from that call alone: the
// API key in its metadata (`authorization: Bearer <key>`, as grpcio's
// access_token_call_credentials sends it, or `x-api-key: <key>`), the
// principal of the connection's verified client certificate, and the peer.
//
// The key is per call: two calls on one channel with different keys are
// judged apart. The connection's AuthContext is only read, never written
// (it is shared by every call on the connection).
#ifndef NEWSWIRE_SERVICE_CALL_CREDENTIALS_H_
#define NEWSWIRE_SERVICE_CALL_CREDENTIALS_H_

#include "core/policy/gate.h"
#include "grpcpp/server_context.h"

namespace newswire {

// Metadata keys a client sends its key in.
inline constexpr char kAuthorizationHeader[] = "authorization";
inline constexpr char kApiKeyHeader[] = "x-api-key";

Credentials CallCredentials(const grpc::ServerContextBase& context);

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_CALL_CREDENTIALS_H_
