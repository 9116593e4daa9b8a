#include "core/ingest/file.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "core/ingest/feed.h"

namespace newswire {
namespace {

namespace fs = std::filesystem;

ParsedFile ParseOne(const std::string& path) {
  ParsedFile parsed;
  parsed.path = path;
  absl::StatusOr<std::string> bytes = ReadFileContents(path, kMaxFeedBytes);
  if (!bytes.ok()) {
    parsed.articles = bytes.status();
    return parsed;
  }
  absl::StatusOr<Feed> feed = ParseFeed(*bytes);
  if (!feed.ok()) {
    parsed.articles = absl::Status(feed.status().code(),
                                   absl::StrCat(path, ": ", feed.status().message()));
    return parsed;
  }
  parsed.format = feed->format;
  parsed.notes = std::move(feed->notes);
  parsed.articles = std::move(feed->articles);
  return parsed;
}

// " (32 MiB)" for a limit of whole mebibytes, else "".
std::string LimitInMiB(size_t bytes) {
  if (bytes == 0 || bytes % (1 << 20) != 0) return "";
  return absl::StrCat(" (", bytes >> 20, " MiB)");
}

}  // namespace

absl::StatusOr<std::string> ReadFileContents(const std::string& path,
                                             size_t max_bytes) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": is a directory"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    const std::string why = absl::StrCat(path, ": ", std::strerror(err));
    if (err == ENOENT) return absl::NotFoundError(why);
    if (err == EACCES) return absl::PermissionDeniedError(why);
    return absl::UnavailableError(why);
  }
  // One byte past the limit tells a file over it, even one whose size is
  // not known beforehand (a pipe).
  std::string contents;
  contents.resize(max_bytes + 1);
  in.read(contents.data(), static_cast<std::streamsize>(max_bytes + 1));
  contents.resize(static_cast<size_t>(in.gcount()));
  if (in.bad()) {
    return absl::UnavailableError(absl::StrCat(path, ": read failed"));
  }
  if (contents.size() > max_bytes) {
    const uintmax_t size = fs::is_regular_file(path, ec) ? fs::file_size(path, ec) : 0;
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": file of ",
        ec || size <= max_bytes ? absl::StrCat("more than ", max_bytes) : absl::StrCat(size),
        " bytes is over the limit of ", max_bytes, " bytes", LimitInMiB(max_bytes)));
  }
  return contents;
}

absl::StatusOr<std::vector<ParsedFile>> ParsePath(const std::string& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) {
    return absl::NotFoundError(absl::StrCat(path, ": no such file or directory"));
  }
  std::vector<ParsedFile> out;
  if (!fs::is_directory(status)) {
    out.push_back(ParseOne(path));
    return out;
  }
  std::vector<std::string> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(path, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name[0] == '.' || !entry.is_regular_file()) continue;
    files.push_back(entry.path().string());
  }
  if (ec) {
    return absl::UnavailableError(absl::StrCat(path, ": ", ec.message()));
  }
  std::sort(files.begin(), files.end());
  for (const std::string& file : files) out.push_back(ParseOne(file));
  return out;
}

}  // namespace newswire
