// Where API keys are kept: the archive (SQLite, the api_keys table) or, for
// a server without a data dir (--memory), a keys file. Either way beside a
// pepper file (the HMAC key of the stored digests), which is not in the
// archive or the keys file: a copy of those alone cannot check a secret.
#ifndef NEWSWIRE_CORE_POLICY_KEY_STORE_H_
#define NEWSWIRE_CORE_POLICY_KEY_STORE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "core/base/sqlite.h"
#include "newswire/v1/access.pb.h"

namespace newswire {

// The pepper file beside an archive (in its data directory).
inline constexpr char kPepperFileName[] = "key-pepper";

class KeyStore {
 public:
  virtual ~KeyStore() = default;

  // Every key, oldest first.
  virtual absl::StatusOr<std::vector<v1::KeyRecord>> Load() const = 0;

  // Inserts each record, or replaces the one with its key id: all of them
  // durably, or none (shared keys, OpenSharedKeyStore: one by one, in
  // order, so on failure the earlier ones stand).
  virtual absl::Status Save(const std::vector<v1::KeyRecord>& records) = 0;

  // The pepper. With `create`, a missing one is made (random) and saved
  // first, readable by the owner only; without, a missing one is
  // FAILED_PRECONDITION naming the file.
  virtual absl::StatusOr<std::string> Pepper(bool create) = 0;

  // For a store other processes change too (keys shared by replicas):
  // calls `apply`, on a thread of the store's, with each record as merged
  // (MergeKeyRecord) after a change made anywhere, this process's own
  // included, from the last Load on, until StopFollowing. A store only this
  // process changes never calls it.
  virtual void Follow(absl::AnyInvocable<void(const v1::KeyRecord&)> apply) { (void)apply; }
  // Returns once `apply` is no longer called and will not be again.
  virtual void StopFollowing() {}
};

// `held` with what `change` (a later record of the same key) may change,
// in a way that never depends on the order changes are seen in: a
// revocation stays (the earliest time wins), an expiry only moves earlier,
// and the key it was rotated to is set once. Everything else is the key's
// as created.
v1::KeyRecord MergeKeyRecord(const v1::KeyRecord& held, const v1::KeyRecord& change);

// Keys in the archive file at `archive_path` (newswire.db, schema 6 or
// later), the pepper in `pepper_path`. Uses its own connection, so it may
// sit beside a SqliteStore on the same file.
absl::StatusOr<std::unique_ptr<KeyStore>> OpenArchiveKeyStore(
    const std::string& archive_path, const std::string& pepper_path);

// Keys in the file at `path` (JSON of v1.KeyFile; missing: no keys yet),
// the pepper in `path`.pepper. Saves rewrite the whole file durably.
std::unique_ptr<KeyStore> OpenKeyFile(const std::string& path);

// The pepper file of the keys file at `key_file`: `key_file`.pepper.
std::string KeyFilePepperPath(const std::string& key_file);

// Keys in memory only, lost when the process ends (a --memory server
// without a keys file, scripts and tests).
std::unique_ptr<KeyStore> OpenMemoryKeyStore();

// Reads the pepper at `path`; with `create`, makes it when missing.
absl::StatusOr<std::string> LoadPepper(const std::string& path, bool create);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_POLICY_KEY_STORE_H_
