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
  // Read a little past the parser's limit so it reports the size itself.
  absl::StatusOr<std::string> bytes = ReadFileContents(path, kMaxFeedBytes + 1);
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
  std::string contents;
  contents.resize(max_bytes);
  in.read(contents.data(), static_cast<std::streamsize>(max_bytes));
  contents.resize(static_cast<size_t>(in.gcount()));
  if (in.bad()) {
    return absl::UnavailableError(absl::StrCat(path, ": read failed"));
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
