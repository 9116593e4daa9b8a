// A fresh archive in memory for a test fixture, where an ASSERT cannot
// run: SqliteStore::OpenInMemory, and the test binary stops if it fails.
#ifndef NEWSWIRE_TESTS_CORE_MEMORY_ARCHIVE_H_
#define NEWSWIRE_TESTS_CORE_MEMORY_ARCHIVE_H_

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "core/store/sqlite_store.h"

namespace newswire {

inline std::unique_ptr<SqliteStore> NewMemoryArchive() {
  absl::StatusOr<std::unique_ptr<SqliteStore>> store = SqliteStore::OpenInMemory();
  if (!store.ok()) {
    std::fprintf(stderr, "cannot open an archive in memory: %s\n",
                 store.status().ToString().c_str());
    std::abort();
  }
  return *std::move(store);
}

}  // namespace newswire

#endif  // NEWSWIRE_TESTS_CORE_MEMORY_ARCHIVE_H_
