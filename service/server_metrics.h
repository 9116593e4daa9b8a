// What a server counts, for GET /metrics (Prometheus): publishes by
// result and their latency, searches and their latency, events sent and
// streams open by transport, slow-consumer fallbacks, the archive's size,
// HTTP requests, and what later parts (WebSub) add.
#ifndef NEWSWIRE_SERVICE_SERVER_METRICS_H_
#define NEWSWIRE_SERVICE_SERVER_METRICS_H_

#include <atomic>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/base/metrics.h"
#include "core/publish/wire.h"

namespace newswire {

enum class Transport { kGrpc, kSse };

class ServerMetrics {
 public:
  ServerMetrics();
  ServerMetrics(const ServerMetrics&) = delete;
  ServerMetrics& operator=(const ServerMetrics&) = delete;

  // A publish's result (accepted, duplicate, held, or refused with its
  // code) and latency.
  void CountPublish(const absl::StatusOr<PublishResult>& result, absl::Duration took);
  // A search and its latency.
  void CountSearch(absl::Duration took) { search_seconds_.Observe(took); }
  // `frames` events (heartbeats and caught_up included) written to a subscriber.
  void CountSent(Transport transport, uint64_t frames) {
    (transport == Transport::kGrpc ? grpc_sent_ : sse_sent_).Add(frames);
  }
  // Streams open now, by transport.
  void StreamOpened(Transport transport) { Streams(transport).fetch_add(1); }
  void StreamClosed(Transport transport) { Streams(transport).fetch_sub(1); }
  // An HTTP request answered with `status` (streams are counted apart).
  void CountHttp(int status, absl::Duration took);

  MetricsRegistry& registry() { return registry_; }
  std::string Render() const { return registry_.Render(); }

 private:
  std::atomic<int64_t>& Streams(Transport transport) {
    return transport == Transport::kGrpc ? grpc_streams_ : sse_streams_;
  }

  MetricsRegistry registry_;
  Counter& accepted_;
  Counter& duplicate_;
  Counter& held_;
  Counter& invalid_;
  Counter& conflict_;
  Counter& denied_;
  Counter& limited_;
  Counter& failed_;
  Histogram& publish_seconds_;
  Histogram& search_seconds_;
  Counter& grpc_sent_;
  Counter& sse_sent_;
  Counter& http_2xx_;
  Counter& http_3xx_;
  Counter& http_4xx_;
  Counter& http_5xx_;
  Histogram& http_seconds_;
  std::atomic<int64_t> grpc_streams_{0};
  std::atomic<int64_t> sse_streams_{0};
};

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_SERVER_METRICS_H_
