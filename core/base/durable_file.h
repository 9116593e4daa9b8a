// Small files written so that a crash leaves either the old or the new
// contents, never a mix: the drop folder's record, a --memory server's
// keys file and the key pepper.
#ifndef NEWSWIRE_CORE_BASE_DURABLE_FILE_H_
#define NEWSWIRE_CORE_BASE_DURABLE_FILE_H_

#include <sys/types.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace newswire {

// Writes `contents` to `path` durably: a temporary file beside it (created
// with `mode`), fsync, rename over `path`, fsync of the directory.
// UNAVAILABLE names the path and the system's reason on failure.
absl::Status WriteFileDurably(const std::string& path, absl::string_view contents,
                              mode_t mode = 0644);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_BASE_DURABLE_FILE_H_
