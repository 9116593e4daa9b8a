#include "core/publish/drop_folder.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/base/durable_file.h"
#include "core/ingest/file.h"
#include "core/model/sha256.h"

namespace newswire {
namespace {

namespace fs = std::filesystem;

absl::Status ErrnoStatus(absl::string_view what, const std::string& path) {
  return absl::UnavailableError(absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

}  // namespace

absl::StatusOr<DropFolder> DropFolder::Open(std::string dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return absl::NotFoundError(absl::StrCat(dir, ": not a directory"));
  }
  DropFolder folder(std::move(dir));
  const std::string record = folder.dir_ + "/" + kRecordName;
  std::ifstream in(record);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    const std::vector<std::string> parts = absl::StrSplit(line, absl::MaxSplits(' ', 3));
    Seen seen;
    if (parts.size() != 4 || !absl::SimpleAtoi(parts[0], &seen.size) ||
        !absl::SimpleAtoi(parts[1], &seen.mtime_ns) || parts[2].size() != 64 ||
        parts[3].empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(record, ": line ", number, " is not \"SIZE MTIME_NS SHA256 NAME\""));
    }
    seen.digest = parts[2];
    folder.done_[parts[3]] = std::move(seen);
  }
  return folder;
}

absl::StatusOr<std::vector<DropFolder::Dropped>> DropFolder::Take(bool settled,
                                                                  size_t max_bytes) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    // (A name with a line break could not be recorded: such files are left.)
    if (name.empty() || name[0] == '.' || name.find('\n') != std::string::npos ||
        !entry.is_regular_file(ec)) {
      continue;
    }
    names.push_back(name);
  }
  if (ec) return absl::UnavailableError(absl::StrCat(dir_, ": ", ec.message()));
  std::sort(names.begin(), names.end());

  std::vector<Dropped> ready;
  bool record_changed = false;
  for (const std::string& name : names) {
    const std::string path = dir_ + "/" + name;
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) continue;  // Gone meanwhile.
    const Seen now{.size = static_cast<uint64_t>(st.st_size),
                   .mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 +
                               st.st_mtim.tv_nsec,
                   .digest = ""};
    auto done = done_.find(name);
    if (done != done_.end() && done->second.size == now.size &&
        done->second.mtime_ns == now.mtime_ns) {
      continue;  // Ingested as it is.
    }
    if (settled) {
      Seen& before = pending_[name];
      const bool steady = before.size == now.size && before.mtime_ns == now.mtime_ns;
      before = now;
      if (!steady) continue;  // Still being written, or first seen: next time.
    }
    Dropped file{.name = name, .contents = "", .digest = "", .size = now.size,
                 .mtime_ns = now.mtime_ns};
    if (now.size <= max_bytes) {
      absl::StatusOr<std::string> contents = ReadFileContents(path, max_bytes);
      if (!contents.ok()) continue;  // Unreadable now (gone, permissions): later.
      file.contents = *std::move(contents);
      file.digest = Sha256Hex(file.contents);
    }
    if (done != done_.end() && !file.digest.empty() && done->second.digest == file.digest) {
      done->second.size = now.size;  // Touched, or rewritten unchanged.
      done->second.mtime_ns = now.mtime_ns;
      record_changed = true;
      continue;
    }
    ready.push_back(std::move(file));
  }
  for (auto it = pending_.begin(); it != pending_.end();) {
    it = std::binary_search(names.begin(), names.end(), it->first) ? std::next(it)
                                                                   : pending_.erase(it);
  }
  if (record_changed) {
    if (absl::Status s = Save(); !s.ok()) return s;
  }
  return ready;
}

absl::Status DropFolder::MarkDone(const Dropped& file) {
  done_[file.name] = Seen{.size = file.size, .mtime_ns = file.mtime_ns, .digest = file.digest};
  pending_.erase(file.name);
  return Save();
}

absl::Status DropFolder::Reject(const Dropped& file, absl::string_view reason) {
  const std::string rejected = absl::StrCat(dir_, "/", kRejectedDir);
  std::error_code ec;
  fs::create_directories(rejected, ec);
  if (ec) return absl::UnavailableError(absl::StrCat(rejected, ": ", ec.message()));
  const std::string to = absl::StrCat(rejected, "/", file.name);
  if (::rename(absl::StrCat(dir_, "/", file.name).c_str(), to.c_str()) != 0) {
    return ErrnoStatus("cannot move aside", absl::StrCat(dir_, "/", file.name));
  }
  if (absl::Status s = WriteFileDurably(to + ".error", absl::StrCat(reason, "\n"));
      !s.ok()) {
    return s;
  }
  done_.erase(file.name);
  pending_.erase(file.name);
  return Save();
}

absl::Status DropFolder::Save() const {
  std::string record;
  for (const auto& [name, seen] : done_) {
    absl::StrAppend(&record, seen.size, " ", seen.mtime_ns, " ", seen.digest, " ", name, "\n");
  }
  return WriteFileDurably(absl::StrCat(dir_, "/", kRecordName), record);
}

}  // namespace newswire
