// Access logs of the HTTP edge: one JSON object per line for each request
// answered or stream ended:
//
//   {"time":"2026-12-05T17:40:00.123Z","peer":"127.0.0.1:53122","method":"GET",
//    "path":"/v1/stream","query":"place=Kyiv","status":200,"bytes":5120,
//    "ms":30012.5,"stream":true,"user_agent":"curl/7.88.1"}
//
// Never a header with a secret (Authorization), never a body.
#ifndef NEWSWIRE_SERVICE_HTTP_ACCESS_LOG_H_
#define NEWSWIRE_SERVICE_HTTP_ACCESS_LOG_H_

#include <ostream>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "service/http_server.h"

namespace newswire {

// The line for `exchange`, ended at `now`, without a newline.
std::string AccessLogLine(const HttpExchange& exchange, absl::Time now);

// Writes lines to a stream, whole lines only, flushed each time.
class AccessLog {
 public:
  explicit AccessLog(std::ostream& out) : out_(out) {}
  void Write(const HttpExchange& exchange);

 private:
  absl::Mutex mu_;
  std::ostream& out_ ABSL_GUARDED_BY(mu_);
};

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_HTTP_ACCESS_LOG_H_
