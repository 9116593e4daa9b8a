#include "core/policy/key_store.h"

#include <algorithm>
#include <filesystem>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "core/base/durable_file.h"
#include "core/ingest/file.h"
#include "core/model/article.h"
#include "core/policy/api_key.h"
#include "core/store/sqlite_access.h"
#include "google/protobuf/util/json_util.h"

namespace newswire {
namespace {

constexpr size_t kMaxKeyFileBytes = 64 << 20;

class ArchiveKeyStore final : public KeyStore {
 public:
  ArchiveKeyStore(std::unique_ptr<SqliteConnection> db, std::string pepper_path)
      : db_(std::move(db)), pepper_path_(std::move(pepper_path)) {}

  absl::StatusOr<std::vector<v1::KeyRecord>> Load() const override {
    return ReadKeyRecords(*db_);
  }

  absl::Status Save(const std::vector<v1::KeyRecord>& records) override {
    if (absl::Status s = db_->Execute("BEGIN IMMEDIATE"); !s.ok()) return s;
    absl::Status s = WriteKeyRecords(*db_, records);
    if (s.ok()) s = db_->Execute("COMMIT");
    if (!s.ok()) (void)db_->Execute("ROLLBACK");
    return s;
  }

  absl::StatusOr<std::string> Pepper(bool create) override {
    return LoadPepper(pepper_path_, create);
  }

 private:
  const std::unique_ptr<SqliteConnection> db_;
  const std::string pepper_path_;
};

class FileKeyStore final : public KeyStore {
 public:
  explicit FileKeyStore(std::string path) : path_(std::move(path)) {}

  absl::StatusOr<std::vector<v1::KeyRecord>> Load() const override {
    absl::StatusOr<v1::KeyFile> file = Read();
    if (!file.ok()) return file.status();
    return std::vector<v1::KeyRecord>(file->keys().begin(), file->keys().end());
  }

  absl::Status Save(const std::vector<v1::KeyRecord>& records) override {
    absl::StatusOr<v1::KeyFile> file = Read();
    if (!file.ok()) return file.status();
    for (const v1::KeyRecord& record : records) {
      v1::KeyRecord* slot = nullptr;
      for (v1::KeyRecord& existing : *file->mutable_keys()) {
        if (existing.key().id() == record.key().id()) slot = &existing;
      }
      if (slot == nullptr) slot = file->add_keys();
      *slot = record;
    }
    std::string json;
    google::protobuf::util::JsonPrintOptions options;
    options.add_whitespace = true;
    if (auto s = google::protobuf::util::MessageToJsonString(*file, &json, options);
        !s.ok()) {
      return absl::InternalError(absl::StrCat(path_, ": ", s.ToString()));
    }
    return WriteFileDurably(path_, json, 0600);
  }

  absl::StatusOr<std::string> Pepper(bool create) override {
    return LoadPepper(KeyFilePepperPath(path_), create);
  }

 private:
  absl::StatusOr<v1::KeyFile> Read() const {
    v1::KeyFile file;
    std::error_code ec;
    if (!std::filesystem::exists(path_, ec)) return file;
    absl::StatusOr<std::string> json = ReadFileContents(path_, kMaxKeyFileBytes);
    if (!json.ok()) return json.status();
    if (auto s = google::protobuf::util::JsonStringToMessage(*json, &file); !s.ok()) {
      return absl::DataLossError(
          absl::StrCat(path_, ": not a newswire keys file: ", s.ToString()));
    }
    return file;
  }

  const std::string path_;
};

class MemoryKeyStore final : public KeyStore {
 public:
  absl::StatusOr<std::vector<v1::KeyRecord>> Load() const override {
    absl::MutexLock lock(&mu_);
    return records_;
  }

  absl::Status Save(const std::vector<v1::KeyRecord>& records) override {
    absl::MutexLock lock(&mu_);
    for (const v1::KeyRecord& record : records) {
      auto same = std::find_if(
          records_.begin(), records_.end(),
          [&](const v1::KeyRecord& r) { return r.key().id() == record.key().id(); });
      if (same == records_.end()) {
        records_.push_back(record);
      } else {
        *same = record;
      }
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::string> Pepper(bool /*create*/) override {
    absl::MutexLock lock(&mu_);
    if (pepper_.empty()) pepper_ = GeneratePepper();
    return pepper_;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<v1::KeyRecord> records_ ABSL_GUARDED_BY(mu_);
  std::string pepper_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

v1::KeyRecord MergeKeyRecord(const v1::KeyRecord& held, const v1::KeyRecord& change) {
  v1::KeyRecord merged = held;
  v1::ApiKey& key = *merged.mutable_key();
  const v1::ApiKey& later = change.key();
  if (later.has_revoked() &&
      (!key.has_revoked() || FromProtoTime(later.revoked()) < FromProtoTime(key.revoked()))) {
    *key.mutable_revoked() = later.revoked();
  }
  if (later.has_expires() &&
      (!key.has_expires() || FromProtoTime(later.expires()) < FromProtoTime(key.expires()))) {
    *key.mutable_expires() = later.expires();
  }
  if (key.rotated_to().empty()) key.set_rotated_to(later.rotated_to());
  return merged;
}

std::string KeyFilePepperPath(const std::string& key_file) {
  return absl::StrCat(key_file, ".pepper");
}

std::unique_ptr<KeyStore> OpenMemoryKeyStore() {
  return std::make_unique<MemoryKeyStore>();
}

absl::StatusOr<std::unique_ptr<KeyStore>> OpenArchiveKeyStore(
    const std::string& archive_path, const std::string& pepper_path) {
  absl::StatusOr<std::unique_ptr<SqliteConnection>> db =
      SqliteConnection::Open(archive_path, SQLITE_OPEN_READWRITE);
  if (!db.ok()) return db.status();
  if (absl::Status s = (*db)->Execute("PRAGMA busy_timeout = 10000"); !s.ok()) return s;
  return std::make_unique<ArchiveKeyStore>(*std::move(db), pepper_path);
}

std::unique_ptr<KeyStore> OpenKeyFile(const std::string& path) {
  return std::make_unique<FileKeyStore>(path);
}

absl::StatusOr<std::string> LoadPepper(const std::string& path, bool create) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    if (!create) {
      return absl::FailedPreconditionError(absl::StrCat(
          path,
          " is missing: it holds the key that API key hashes are made with; restore it "
          "from the backup it was made with (without it no key can be checked)"));
    }
    const std::string pepper = GeneratePepper();
    if (absl::Status s = WriteFileDurably(
            path, absl::StrCat(absl::BytesToHexString(pepper), "\n"), 0600);
        !s.ok()) {
      return s;
    }
    return pepper;
  }
  absl::StatusOr<std::string> text = ReadFileContents(path, 1024);
  if (!text.ok()) return text.status();
  const absl::string_view hex = absl::StripAsciiWhitespace(*text);
  if (hex.size() != 2 * kPepperBytes || !std::all_of(hex.begin(), hex.end(), [](char c) {
        return absl::ascii_isxdigit(c);
      })) {
    return absl::DataLossError(
        absl::StrCat(path, ": not a key pepper (", 2 * kPepperBytes, " hex digits)"));
  }
  return absl::HexStringToBytes(hex);
}

}  // namespace newswire
