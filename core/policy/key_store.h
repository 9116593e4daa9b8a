// Where API keys are kept: the archive (SQLite, the api_keys table) or, for
// a server without a data dir (--memory), a keys file. Either way beside a
// pepper file (the HMAC key of the stored digests), which is not in the
// archive or the keys file: a copy of those alone cannot check a secret.
#ifndef NEWSWIRE_CORE_POLICY_KEY_STORE_H_
#define NEWSWIRE_CORE_POLICY_KEY_STORE_H_

#include <memory>
#include <string>
#include <vector>

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
  // durably, or none.
  virtual absl::Status Save(const std::vector<v1::KeyRecord>& records) = 0;

  // The pepper. With `create`, a missing one is made (random) and saved
  // first, readable by the owner only; without, a missing one is
  // FAILED_PRECONDITION naming the file.
  virtual absl::StatusOr<std::string> Pepper(bool create) = 0;
};

// Keys in the archive file at `archive_path` (newswire.db, schema 6 or
// later), the pepper in `pepper_path`. Uses its own connection, so it may
// sit beside a SqliteStore on the same file.
absl::StatusOr<std::unique_ptr<KeyStore>> OpenArchiveKeyStore(
    const std::string& archive_path, const std::string& pepper_path);

// Keys in the file at `path` (JSON of v1.KeyFile; missing: no keys yet),
// the pepper in `path`.pepper. Saves rewrite the whole file durably.
std::unique_ptr<KeyStore> OpenKeyFile(const std::string& path);

// Keys in memory only, lost when the process ends (a --memory server
// without a keys file, scripts and tests).
std::unique_ptr<KeyStore> OpenMemoryKeyStore();

// Reads the pepper at `path`; with `create`, makes it when missing.
absl::StatusOr<std::string> LoadPepper(const std::string& path, bool create);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_POLICY_KEY_STORE_H_
