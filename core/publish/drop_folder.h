// A folder that feed files are dropped into, and the record of what has
// been done with each (`newswire ingest --watch DIR`).
//
// The record is DIR/.newswire-ingest: one line per file, "SIZE MTIME_NS
// SHA256 NAME", rewritten whole (temporary file, fsync, rename) after each
// change, so a crash leaves either the old record or the new one and a
// restart publishes no finished file again. Files that cannot be read as a
// feed go to DIR/rejected/, with the reason beside them in NAME.error.
#ifndef NEWSWIRE_CORE_PUBLISH_DROP_FOLDER_H_
#define NEWSWIRE_CORE_PUBLISH_DROP_FOLDER_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace newswire {

class DropFolder {
 public:
  // Names inside the folder that are not dropped files.
  static constexpr char kRecordName[] = ".newswire-ingest";
  static constexpr char kRejectedDir[] = "rejected";

  // Opens `dir` and reads its record. NOT_FOUND if `dir` is not a
  // directory; INVALID_ARGUMENT naming the line if the record is corrupt.
  static absl::StatusOr<DropFolder> Open(std::string dir);

  // A file to ingest, with its contents.
  struct Dropped {
    std::string name;
    std::string contents;
    std::string digest;  // SHA-256 of contents, hex.
    uint64_t size = 0;   // As stat saw the file when it was read.
    int64_t mtime_ns = 0;
  };

  // The files to ingest now, by name: regular, not hidden (nor named with a
  // line break), at most
  // `max_bytes` each (bigger ones come back with empty contents for the
  // caller to reject), new or changed since they were last marked done.
  // A file whose size or modification time differs from the previous call's
  // is still being written and waits for the next call, unless `settled`
  // is false (one-shot runs). A file whose bytes are what was last done
  // (touched, or copied over with the same contents) is marked done again
  // and not returned.
  absl::StatusOr<std::vector<Dropped>> Take(bool settled, size_t max_bytes);

  // Records that `file` has been ingested. Durable when it returns OK.
  absl::Status MarkDone(const Dropped& file);

  // Moves `file` to rejected/ and writes `reason` to rejected/NAME.error.
  absl::Status Reject(const Dropped& file, absl::string_view reason);

  const std::string& dir() const { return dir_; }

 private:
  struct Seen {
    uint64_t size = 0;
    int64_t mtime_ns = 0;
    std::string digest;  // Empty until ingested.
  };

  explicit DropFolder(std::string dir) : dir_(std::move(dir)) {}
  absl::Status Save() const;

  std::string dir_;
  std::map<std::string, Seen> done_;     // From the record.
  std::map<std::string, Seen> pending_;  // Size and mtime at the last Take.
};

}  // namespace newswire

#endif  // NEWSWIRE_CORE_PUBLISH_DROP_FOLDER_H_
