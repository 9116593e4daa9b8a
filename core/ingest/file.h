// Reading articles from files and directories, whatever their format.
#ifndef NEWSWIRE_CORE_INGEST_FILE_H_
#define NEWSWIRE_CORE_INGEST_FILE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/model/article.h"
#include "core/ingest/feed.h"

namespace newswire {

// One file's worth of parsed articles.
struct ParsedFile {
  std::string path;
  absl::StatusOr<std::vector<Article>> articles;
  FeedFormat format = FeedFormat::kText;
  std::vector<std::string> notes;  // Feed::notes: what was repaired or skipped.
};

// Parses the file at `path`, or every regular file directly inside the
// directory at `path` (sorted by name, hidden files skipped), each in the
// format its bytes are in (ParseFeed). A file that cannot be read or parsed
// yields its error, naming the file, without stopping the others. Returns
// NOT_FOUND if `path` does not exist.
absl::StatusOr<std::vector<ParsedFile>> ParsePath(const std::string& path);

// Reads the whole file at `path`. NOT_FOUND / PERMISSION_DENIED /
// INVALID_ARGUMENT (a directory, or over `max_bytes`: the message gives the
// file's size and the limit) name the path.
absl::StatusOr<std::string> ReadFileContents(const std::string& path,
                                             size_t max_bytes);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_INGEST_FILE_H_
