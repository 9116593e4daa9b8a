// The live feed over HTTP as Server-Sent Events (service/sse_encoder.h):
//
//   GET /v1/stream?FILTER[&from=latest|earliest][&after=SEQ][&since=DATE]
//                 [&view=headline|full][&heartbeat=DURATION]
//
// FILTER is the subscription filter as query parameters (core/
// filter_query.h). The stream starts as `newswire tail` does: by default
// at the newest event (live only); from=earliest replays the archive;
// after=SEQ resumes after that sequence, exactly as a gRPC Subscribe with
// START_AFTER_SEQUENCE; since=DATE from that time. A Last-Event-ID header
// (what a browser's EventSource sends when it reconnects) wins over all of
// them. The stream replays what it must from the archive, sends
// `caught_up`, then live events, kills and updates as gRPC does, with a
// heartbeat comment every 15 s (heartbeat=, 1s to 5m) and `retry:` 3 s.
//
// Errors are answered before the stream starts: 400 naming a bad
// parameter, 410 for a cursor the archive cannot serve (past its head, or
// compacted away), 503 with Retry-After when the server is at its
// subscription limits (a browser's EventSource then stops retrying, which
// is the point of shedding). A stream ends when the server stops (the
// client reconnects with Last-Event-ID; one asked for while the server is
// stopping is dropped unanswered, so that it retries too) or when its key
// is revoked.
#ifndef NEWSWIRE_SERVICE_HTTP_EVENTS_H_
#define NEWSWIRE_SERVICE_HTTP_EVENTS_H_

#include <vector>

#include "core/fanout/hub.h"
#include "core/policy/gate.h"
#include "service/http_router.h"
#include "service/server_metrics.h"
#include "service/sse_encoder.h"

namespace newswire {

inline constexpr absl::Duration kSseHeartbeat = absl::Seconds(15);
inline constexpr int kSseRetryMillis = 3000;

// The route above. REQUIRES: `hub` and `encoder` outlive the HTTP server
// (HttpServer::Shutdown releases every stream's subscription).
// A stream needs the subscribe scope and runs within the key's
// entitlements (service/http_auth.h); it counts among the key's open
// streams and ends when the key is revoked or expires. Streams and the
// events sent are counted in `metrics`.
std::vector<HttpRoute> EventStreamRoutes(Hub& hub, Gate& gate, SseEncoder& encoder,
                                         ServerMetrics& metrics);

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_HTTP_EVENTS_H_
