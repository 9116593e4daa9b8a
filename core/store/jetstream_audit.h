// The audit log of a cluster of replicas on the JetStream log.
//
// Every entry a replica records goes to its own archive, as on a single
// server (so `newswire audit --data DIR` still reads what that replica
// saw), and to a JetStream stream of its own ("NEWSWIRE_AUDIT", subject
// "nwa.entries", as many copies as the log's stream, deletes and purges
// denied), never to the feed's stream. Reading the audit through any
// replica reads that stream: every replica's entries, in the order the
// stream stored them, with the same ids through every replica (the
// sequence of the message an entry went in × 1,000 + its place in it), so
// a reader pages with after_id through any of them.
//
// Recording never waits for NATS: entries queue (at most
// kMaxQueuedAuditEntries; past that an entry stays only in the replica's
// archive, and the event log says so) and one thread appends them in
// order, in messages of up to 500 entries and 256 KB (an entry larger than
// that alone goes with its reason cut; the archive keeps it whole), each
// message with an id of its own, so an append retried after a lost answer
// is stored once. A read first waits, up to the log's retry_timeout, until
// the entries this replica recorded before it are in the stream, so an
// action's entry can be read through the replica that answered it once the
// action returned (through the others, moments later); UNAVAILABLE, naming
// the stream and the local alternative, when the servers do not answer.
#ifndef NEWSWIRE_CORE_STORE_JETSTREAM_AUDIT_H_
#define NEWSWIRE_CORE_STORE_JETSTREAM_AUDIT_H_

#include <cstddef>
#include <memory>

#include "absl/status/statusor.h"
#include "core/policy/audit_log.h"
#include "core/store/jetstream_log.h"

namespace newswire {

inline constexpr char kAuditStream[] = "NEWSWIRE_AUDIT";
inline constexpr char kAuditSubjects[] = "nwa.>";
inline constexpr size_t kMaxQueuedAuditEntries = 10000;

// Opens the cluster's audit log on the servers of `log` (its stream name
// aside), recording into `local` too, which must outlive it. UNAVAILABLE
// when no server answered.
absl::StatusOr<std::unique_ptr<AuditLog>> OpenSharedAuditLog(const JetStreamOptions& log,
                                                             AuditLog& local);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_STORE_JETSTREAM_AUDIT_H_
