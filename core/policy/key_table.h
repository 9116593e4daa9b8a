// KeyTable: the server's API keys in memory, read by every call and
// written through to a KeyStore by the admin calls.
//
// Read-mostly: authentication takes a shared lock and computes one
// HMAC-SHA-256; changes are persisted first and then applied, so a key
// refused in memory is refused after a restart too. The Principal of a key
// is shared with the calls that use it, and a revocation or expiry change
// reaches them at once (Principal::CheckValid).
#ifndef NEWSWIRE_CORE_POLICY_KEY_TABLE_H_
#define NEWSWIRE_CORE_POLICY_KEY_TABLE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "core/policy/key_store.h"
#include "core/policy/principal.h"
#include "newswire/v1/access.pb.h"

namespace newswire {

// How long a rotated key stays valid beside its replacement by default.
inline constexpr absl::Duration kDefaultRotationGrace = absl::Hours(24);
// Bytes of a principal's name at most.
inline constexpr size_t kMaxPrincipalNameBytes = 200;

class KeyTable {
 public:
  // Loads every key from `store`. FAILED_PRECONDITION (naming the file) when
  // the store holds keys but their pepper is missing.
  static absl::StatusOr<std::unique_ptr<KeyTable>> Open(std::unique_ptr<KeyStore> store);

  ~KeyTable();
  KeyTable(const KeyTable&) = delete;
  KeyTable& operator=(const KeyTable&) = delete;

  // True once any key exists (revoked and expired ones count): from then on
  // every call needs a key. Thread-safe.
  bool enforcing() const;

  // The principal whose secret is `secret`, valid at `now`. UNAUTHENTICATED
  // says why not: not a newswire key, a checksum mismatch (mistyped or
  // truncated), unknown, revoked, expired. The digest is compared in
  // constant time. Thread-safe.
  absl::StatusOr<std::shared_ptr<const Principal>> Authenticate(absl::string_view secret,
                                                                absl::Time now) const;

  // The principal of the newest valid certificate grant named `name` (a
  // verified client certificate's URI SAN or CN); UNAUTHENTICATED when
  // there is none. Thread-safe.
  absl::StatusOr<std::shared_ptr<const Principal>> AuthenticateCertificate(
      absl::string_view name, absl::Time now) const;

  // Creates a key as `request` says; the response holds its secret (none
  // for a certificate grant). INVALID_ARGUMENT names a bad field; the
  // store's error if it cannot be saved (then nothing changed).
  absl::StatusOr<v1::CreateKeyResponse> Create(const v1::CreateKeyRequest& request,
                                               absl::Time now);

  // Revokes key `id` from `now` on (idempotent) and returns it. NOT_FOUND
  // names an unknown id.
  absl::StatusOr<v1::ApiKey> Revoke(absl::string_view id, absl::Time now);

  // Makes a new key with the principal, entitlements, limits and expiry of
  // key `id`, and ends `id`'s validity `grace` from now (or at its own
  // expiry, if sooner). NOT_FOUND for an unknown id; FAILED_PRECONDITION
  // for a revoked or expired key, or a certificate grant.
  absl::StatusOr<v1::CreateKeyResponse> Rotate(absl::string_view id, absl::Duration grace,
                                               absl::Time now);

  // Every key, oldest first, as it stands now.
  std::vector<v1::ApiKey> List() const;

  // Takes in a change the store reports (KeyStore::Follow; another
  // replica's create, revoke or rotate): a new key is added, a known one
  // merged (MergeKeyRecord), and a revocation or earlier expiry reaches the
  // calls using the key at once, as after Revoke. Thread-safe.
  void Apply(const v1::KeyRecord& record);

  // Called, without the table's lock, after a key was revoked or its
  // expiry brought forward (here or, through Apply, anywhere).
  void set_on_change(absl::AnyInvocable<void()> on_change) {
    absl::MutexLock lock(&on_change_mu_);
    on_change_ = std::move(on_change);
  }

 private:
  struct Entry {
    v1::ApiKey record;
    std::string digest;
    std::shared_ptr<Principal> principal;
  };

  explicit KeyTable(std::unique_ptr<KeyStore> store) : store_(std::move(store)) {}
  // Adds `record` to the table unless its id is there already (the store's
  // Follow may have brought it first). REQUIRES: persisted.
  void Insert(v1::KeyRecord record) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Adds `record` (persisted) if its key is new, else merges it into the
  // key's entry (MergeKeyRecord), telling the key's principal of a
  // revocation or an earlier expiry. Returns whether it did.
  bool Merge(const v1::KeyRecord& record) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Loads or makes the pepper if the table has none yet.
  absl::Status EnsurePepper() ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Gives `key` a new id not in use, and returns its secret; `digest`
  // receives the secret's digest.
  std::string NewSecretFor(v1::ApiKey& key, std::string& digest)
      ABSL_SHARED_LOCKS_REQUIRED(mu_);

  const std::unique_ptr<KeyStore> store_;
  // Held while a change is persisted and applied: one change at a time.
  absl::Mutex write_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  mutable absl::Mutex mu_;
  std::string pepper_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, Entry> by_id_ ABSL_GUARDED_BY(mu_);
  // Certificate grants by name, oldest first.
  absl::flat_hash_map<std::string, std::vector<std::string>> certificates_
      ABSL_GUARDED_BY(mu_);
  std::vector<std::string> order_ ABSL_GUARDED_BY(mu_);
  // Calls on_change_, if set.
  void NotifyChange();
  // Apply's thread may call on_change_ as it is set.
  absl::Mutex on_change_mu_;
  absl::AnyInvocable<void()> on_change_ ABSL_GUARDED_BY(on_change_mu_);
};

}  // namespace newswire

#endif  // NEWSWIRE_CORE_POLICY_KEY_TABLE_H_
