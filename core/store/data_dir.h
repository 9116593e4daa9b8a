// The data directory of a server: created if missing, and locked so that
// only one server process uses it at a time.
#ifndef NEWSWIRE_CORE_STORE_DATA_DIR_H_
#define NEWSWIRE_CORE_STORE_DATA_DIR_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace newswire {

// Holds the lock on a data directory until destroyed (or the process ends,
// however it ends: the lock is an flock(2) on DIR/LOCK).
class DataDirLock {
 public:
  // Creates `dir` if missing and locks it. Returns FAILED_PRECONDITION
  // naming the holder's pid if another process holds the lock, and
  // PERMISSION_DENIED / UNAVAILABLE naming the path if the directory cannot
  // be created or written.
  static absl::StatusOr<std::unique_ptr<DataDirLock>> Acquire(const std::string& dir);

  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;
  ~DataDirLock();

  const std::string& dir() const { return dir_; }

 private:
  DataDirLock(std::string dir, int fd) : dir_(std::move(dir)), fd_(fd) {}

  std::string dir_;
  int fd_;
};

}  // namespace newswire

#endif  // NEWSWIRE_CORE_STORE_DATA_DIR_H_
