// The WebSub hub (W3C WebSub Recommendation) for the HTTP edge's feeds.
//
//   POST /v1/websub   hub.mode=subscribe|unsubscribe, hub.topic (a feed URL
//                     of this server: /v1/feed.atom, .rss or .json with its
//                     filter as query parameters, on any host name),
//                     hub.callback (http or https), hub.lease_seconds,
//                     hub.secret (under 200 bytes). 202 Accepted, or 400
//                     naming the bad parameter.
//
// Verification of intent follows asynchronously: a GET of the callback with
// hub.mode, hub.topic, hub.challenge (random) and, to subscribe,
// hub.lease_seconds. Only a 2xx answer whose body is exactly the challenge
// counts; anything else (404, another body, no answer) leaves what was
// there before unchanged: a failed re-subscribe keeps the old subscription.
// Subscriptions are keyed by (topic, callback); a verified re-subscribe
// replaces the lease and the secret and keeps the delivery position.
//
// Leases: kDefaultWebSubLease (10 days) when none is asked for, at most
// kMaxWebSubLease (30 days), at least WebSubOptions::min_lease (5 minutes
// by default). No lease is permanent: a subscription whose lease ended gets
// no deliveries and is deleted; subscribers renew by subscribing again.
//
// Delivery: when events reach a topic's filter, the new entries (the latest
// version of each article, newest first) are POSTed to each verified
// subscriber in the topic's own format and Content-Type, with
//   Link: <HUB>; rel="hub", <TOPIC>; rel="self"
// and, when a secret was given, X-Hub-Signature: sha256=HEX(HMAC-SHA-256 of
// the body keyed with the secret). A 2xx answer is delivered; HTTP 410 Gone
// deletes the subscription; anything else is retried after retry_delay,
// doubling each time, up to max_attempts attempts in all, after which those
// entries are skipped for that subscriber. Each subscriber gets one
// delivery at a time, in sequence order.
//
// Threads: verifications and deliveries run on delivery_threads threads of
// the hub's own (libcurl, each request with a deadline), never on the HTTP
// edge's threads or the publish path: the core Hub only wakes them.
//
// Durable: subscriptions and each one's cursor (the last sequence
// delivered) are kept in a WebSubStore (the archive, or memory for
// --memory), so after a restart deliveries resume after the cursor: no
// entry is lost, and one is sent twice only when the process stopped
// between a delivery and the write of its cursor.
//
// On a cluster of replicas (a shared WebSubStore: jetstream_websub.h),
// a subscription made or renewed through any replica is the same one, and
// one live replica delivers to it, picked by the store; when that one
// goes, another resumes after the shared cursor.
#ifndef NEWSWIRE_SERVICE_WEBSUB_HUB_H_
#define NEWSWIRE_SERVICE_WEBSUB_HUB_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/fanout/hub.h"
#include "core/store/store.h"
#include "core/syndicate/websub_store.h"
#include "service/http_router.h"
#include "service/http_server.h"

namespace newswire {

inline constexpr absl::Duration kDefaultWebSubLease = absl::Hours(24 * 10);
inline constexpr absl::Duration kMaxWebSubLease = absl::Hours(24 * 30);

struct WebSubOptions {
  // Shortest lease granted (a shorter one asked for is raised to it).
  absl::Duration min_lease = absl::Minutes(5);
  // Threads for verifications and deliveries: the most requests at once.
  int delivery_threads = 4;
  // Attempts per delivery, the first included, and the wait before the
  // first retry (doubling after each, up to max_retry_delay).
  int max_attempts = 5;
  absl::Duration retry_delay = absl::Seconds(30);
  absl::Duration max_retry_delay = absl::Minutes(30);
  // Deadline of each verification or delivery request.
  absl::Duration request_timeout = absl::Seconds(10);
  // Entries per delivery at most (more new ones go out in several).
  size_t max_entries = 50;
  // Verifications waiting at most; more subscription requests get 503.
  size_t max_pending_verifications = 1000;
};

class WebSubHub {
 public:
  // Loads the subscriptions in `subscriptions` (deleting those whose lease
  // ended) and starts delivering to them from their cursors. Returns the
  // store's error if it cannot be read.
  // REQUIRES: `hub` and `store` (the feed's events) outlive the WebSubHub.
  static absl::StatusOr<std::unique_ptr<WebSubHub>> Start(
      Hub& hub, const Store& store, std::unique_ptr<WebSubStore> subscriptions,
      const WebSubOptions& options = {});

  WebSubHub(const WebSubHub&) = delete;
  WebSubHub& operator=(const WebSubHub&) = delete;
  // Stops: requests in flight are abandoned, threads joined. Stored
  // subscriptions stay for the next start.
  ~WebSubHub();

  // Answers POST /v1/websub (see above). Never blocks on the network.
  HttpResponse HandleRequest(const HttpRequest& request);

  // Verified subscriptions this server delivers to now.
  size_t subscription_count() const;
  // Deliveries a subscriber took (2xx), delivery attempts that will be
  // tried again, and deliveries given up after max_attempts.
  uint64_t deliveries() const;
  uint64_t retries() const;
  uint64_t failed_deliveries() const;

 private:
  class Core;
  explicit WebSubHub(std::shared_ptr<Core> core);
  // Shared with the core Hub's wake-ups, which may outlive this object.
  const std::shared_ptr<Core> core_;
};

// POST /v1/websub, served by `hub` (kept alive by the routes).
std::vector<HttpRoute> WebSubRoutes(std::shared_ptr<WebSubHub> hub);

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_WEBSUB_HUB_H_
