// How large a gRPC message newswire's servers and clients take.
#ifndef NEWSWIRE_SERVICE_MESSAGE_LIMITS_H_
#define NEWSWIRE_SERVICE_MESSAGE_LIMITS_H_

#include <cstddef>

#include "core/model/article.h"

namespace newswire {

// The largest valid article (kMaxArticleBytes) with room for the message
// around it (a PublishRequest, a GetArticleResponse, a Subscribe response
// holding one event). gRPC's default of 4 MiB would refuse valid articles.
// Other clients reading whole articles should raise their receive limit to
// this (grpcio: the "grpc.max_receive_message_length" channel option).
inline constexpr size_t kMaxRpcMessageBytes = kMaxArticleBytes + (64 << 10);

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_MESSAGE_LIMITS_H_
