// Outgoing HTTP requests (libcurl's easy API), for the WebSub hub's
// verifications and deliveries: one request per call, on the caller's
// thread, with a deadline; only http and https, no redirects followed.
#ifndef NEWSWIRE_SERVICE_HTTP_CLIENT_H_
#define NEWSWIRE_SERVICE_HTTP_CLIENT_H_

#include <atomic>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace newswire {

struct OutgoingRequest {
  std::string method = "GET";  // "GET" or "POST".
  std::string url;             // Absolute, http or https.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // Sent with POST.
  // The whole exchange, connecting included, must end within this.
  absl::Duration timeout = absl::Seconds(10);
  // Bytes of the response body kept; the rest is read and dropped.
  size_t max_response_bytes = 64 << 10;
  // When set and true, the request is abandoned (CANCELLED) within about
  // a second: for shutting down without waiting for slow peers.
  const std::atomic<bool>* cancel = nullptr;
};

struct IncomingResponse {
  int status = 0;
  std::string body;  // At most max_response_bytes.
};

// Sends `request` and returns the peer's answer, whatever its status.
// UNAVAILABLE names what went wrong when there is no answer (the host does
// not resolve, the connection is refused, the deadline passed);
// INVALID_ARGUMENT for a URL curl does not take; CANCELLED if cancelled.
// Thread-safe.
absl::StatusOr<IncomingResponse> SendHttpRequest(const OutgoingRequest& request);

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_HTTP_CLIENT_H_
