// API keys shared by every replica of a cluster on the JetStream log.
//
// Each create, revoke and rotation is a message in a JetStream stream of
// its own ("NEWSWIRE_KEYS", subjects "nwk.<key id>", as many copies as the
// log's stream, deletes and purges denied), never in the feed's stream, so
// key changes take no feed sequence. Every replica reads the whole stream
// and folds each key's messages with MergeKeyRecord: the result does not
// depend on the order racing changes were stored in, so a revocation made
// through one replica is never undone by a rotation through another, and
// every replica ends with the same keys.
//
// Digests are keyed with the pepper, which stays a file beside each
// replica's archive and never goes to NATS: every replica needs the same
// one (copy key-pepper from the replica that made the first key). Each
// message carries a check of the pepper it was made with (an HMAC of a
// fixed text, not the pepper), so a replica with another pepper refuses to
// open, naming its file, instead of refusing every key as unknown.
//
// Keys the replica's own archive held before it joined (an admin key made
// with `newswire keys create --data DIR` before the first start, or a
// single server's keys when it becomes a replica) are added to the shared
// stream when it opens; merging means an old copy never undoes a change.
#ifndef NEWSWIRE_CORE_STORE_JETSTREAM_KEYS_H_
#define NEWSWIRE_CORE_STORE_JETSTREAM_KEYS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "core/policy/key_store.h"
#include "core/store/jetstream_log.h"

namespace newswire {

// The stream that holds the key changes, and its subjects.
inline constexpr char kKeysStream[] = "NEWSWIRE_KEYS";
inline constexpr char kKeysSubjects[] = "nwk.>";

// Opens the shared keys on the servers of `log` (its stream name aside:
// the keys have their own), with the pepper at `pepper_path`, after adding
// `local`'s keys to them. UNAVAILABLE when no server answered;
// FAILED_PRECONDITION when the shared keys were made with another pepper
// than the one at `pepper_path`.
absl::StatusOr<std::unique_ptr<KeyStore>> OpenSharedKeyStore(const JetStreamOptions& log,
                                                             KeyStore& local,
                                                             std::string pepper_path);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_STORE_JETSTREAM_KEYS_H_
