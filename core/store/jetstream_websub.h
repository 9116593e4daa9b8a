// WebSub subscriptions shared by the replicas of a cluster on the
// JetStream log: every replica knows every subscription, and exactly one
// live replica delivers to each.
//
// They live in a JetStream stream of their own ("NEWSWIRE_WEBSUB", as many
// copies as the log's stream, deletes and purges denied), which keeps the
// newest message of each subject, as a key-value bucket does:
//
//   nws.s.<H>  the subscription as last stored (made, renewed through any
//              replica) or its removal; H is a hash of (topic, callback).
//   nws.c.<H>  its cursor, the last sequence delivered, stored by whichever
//              replica delivers; a cursor never goes back.
//   nws.r.<R>  a heartbeat of replica R (an id drawn at each start), every
//              `heartbeat`, and "left" when it stops.
//
// Each replica reads the whole stream and follows it. Who delivers to a
// subscription: of the live replicas, those whose last heartbeat is within
// `dead_after` of the newest heartbeat in the stream (the stream's clock,
// the same for every replica), the one ranking first for that subscription
// (rendezvous hashing of replica and subscription), so a replica that
// joins or goes takes or leaves only its own share. A replica whose own
// heartbeats have not been stored for `dead_after` (cut off from NATS)
// delivers nothing: the others have taken its share by then.
//
// At least once, as on one server: a new deliverer resumes after the
// shared cursor, so an entry is delivered twice only when a delivery's
// cursor was not stored yet, or while replicas disagree about who is live
// (up to `dead_after` after a replica dies without leaving).
//
// Subscriptions a replica's archive held before it joined (a single
// server becoming a replica) are added to the stream when it opens, unless
// the stream already knew them (a removal made in the cluster stays).
#ifndef NEWSWIRE_CORE_STORE_JETSTREAM_WEBSUB_H_
#define NEWSWIRE_CORE_STORE_JETSTREAM_WEBSUB_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/store/jetstream_log.h"
#include "core/syndicate/websub_store.h"

namespace newswire {

inline constexpr char kWebSubStream[] = "NEWSWIRE_WEBSUB";
inline constexpr char kWebSubSubjects[] = "nws.>";

struct SharedWebSubOptions {
  // How often a replica says it is live.
  absl::Duration heartbeat = absl::Seconds(1);
  // A replica silent this long is taken for gone (longer than an election,
  // 5-8 s here, during which no heartbeat is stored).
  absl::Duration dead_after = absl::Seconds(10);
};

// Opens the cluster's WebSub subscriptions on the servers of `log` (its
// stream name aside), after adding `local`'s (used only during the call).
// UNAVAILABLE when no server answered.
absl::StatusOr<std::unique_ptr<WebSubStore>> OpenSharedWebSubStore(
    const JetStreamOptions& log, WebSubStore& local,
    const SharedWebSubOptions& options = {});

}  // namespace newswire

#endif  // NEWSWIRE_CORE_STORE_JETSTREAM_WEBSUB_H_
