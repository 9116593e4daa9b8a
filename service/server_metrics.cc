#include "service/server_metrics.h"

namespace newswire {
namespace {

constexpr char kPublishes[] = "newswire_publishes_total";
constexpr char kPublishesHelp[] = "Publishes by result.";
constexpr char kSent[] = "newswire_events_sent_total";
constexpr char kSentHelp[] =
    "Events written to subscribers by transport (heartbeats and caught_up included).";
constexpr char kHttp[] = "newswire_http_requests_total";
constexpr char kHttpHelp[] = "HTTP requests answered (not streams), by status class.";

}  // namespace

ServerMetrics::ServerMetrics()
    : accepted_(registry_.AddCounter(kPublishes, kPublishesHelp, {{"result", "accepted"}})),
      duplicate_(registry_.AddCounter(kPublishes, kPublishesHelp, {{"result", "duplicate"}})),
      held_(registry_.AddCounter(kPublishes, kPublishesHelp, {{"result", "held"}})),
      invalid_(registry_.AddCounter(kPublishes, kPublishesHelp, {{"result", "invalid"}})),
      conflict_(registry_.AddCounter(kPublishes, kPublishesHelp, {{"result", "conflict"}})),
      denied_(registry_.AddCounter(kPublishes, kPublishesHelp, {{"result", "denied"}})),
      limited_(registry_.AddCounter(kPublishes, kPublishesHelp, {{"result", "limited"}})),
      failed_(registry_.AddCounter(kPublishes, kPublishesHelp, {{"result", "failed"}})),
      publish_seconds_(registry_.AddHistogram("newswire_publish_seconds",
                                              "Time to publish (store and fan out), seconds.",
                                              LatencyBuckets())),
      search_seconds_(registry_.AddHistogram("newswire_search_seconds",
                                             "Time to answer an archive search, seconds.",
                                             LatencyBuckets())),
      grpc_sent_(registry_.AddCounter(kSent, kSentHelp, {{"transport", "grpc"}})),
      sse_sent_(registry_.AddCounter(kSent, kSentHelp, {{"transport", "sse"}})),
      http_2xx_(registry_.AddCounter(kHttp, kHttpHelp, {{"code", "2xx"}})),
      http_3xx_(registry_.AddCounter(kHttp, kHttpHelp, {{"code", "3xx"}})),
      http_4xx_(registry_.AddCounter(kHttp, kHttpHelp, {{"code", "4xx"}})),
      http_5xx_(registry_.AddCounter(kHttp, kHttpHelp, {{"code", "5xx"}})),
      http_seconds_(registry_.AddHistogram(
          "newswire_http_request_seconds",
          "Time to answer an HTTP request (not streams), seconds.", LatencyBuckets())) {
  for (auto [transport, name] :
       {std::pair{Transport::kGrpc, "grpc"}, std::pair{Transport::kSse, "sse"}}) {
    registry_.AddGauge("newswire_streams_open", "Subscriber streams open, by transport.",
                       {{"transport", name}},
                       [this, transport = transport] {
                         return static_cast<double>(Streams(transport).load());
                       });
  }
}

void ServerMetrics::CountPublish(const absl::StatusOr<PublishResult>& result,
                                 absl::Duration took) {
  publish_seconds_.Observe(took);
  if (result.ok()) {
    (result->duplicate ? duplicate_ : result->held ? held_ : accepted_).Add();
    return;
  }
  switch (RefusalOf(result.status())) {
    case Refusal::kInvalid:
      return invalid_.Add();
    case Refusal::kConflict:
      return conflict_.Add();
    case Refusal::kDenied:
      return denied_.Add();
    case Refusal::kLimited:
      return limited_.Add();
    case Refusal::kNone:
      return failed_.Add();
  }
}

void ServerMetrics::CountHttp(int status, absl::Duration took) {
  if (status >= 500) {
    http_5xx_.Add();
  } else if (status >= 400) {
    http_4xx_.Add();
  } else if (status >= 300) {
    http_3xx_.Add();
  } else {
    http_2xx_.Add();
  }
  http_seconds_.Observe(took);
}

}  // namespace newswire
