#include "core/store/jetstream_keys.h"

#include <atomic>
#include <filesystem>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "core/base/event_log.h"
#include "core/model/sha256.h"
#include "core/policy/api_key.h"
#include "google/protobuf/util/message_differencer.h"

namespace newswire {
namespace {

constexpr char kPepperCheckHeader[] = "Newswire-Pepper-Check";
// How long one wait for the next change lasts before the follower looks
// at whether it should stop.
constexpr absl::Duration kFollowWait = absl::Milliseconds(250);

// What every message says of the pepper its digest was made with.
std::string PepperCheck(absl::string_view pepper) {
  return absl::BytesToHexString(HmacSha256(pepper, "newswire key pepper check").substr(0, 8));
}

std::string KeySubject(absl::string_view id) { return absl::StrCat("nwk.", id); }

// What a replica whose pepper is not the cluster's is told to do.
constexpr absl::string_view kSamePepperHint =
    "every replica needs the same pepper file (copy key-pepper from the replica that made the "
    "first key)";

class SharedKeyStore final : public KeyStore {
 public:
  SharedKeyStore(std::unique_ptr<JetStreamLog> log, std::string pepper_path)
      : log_(std::move(log)), pepper_path_(std::move(pepper_path)) {}
  ~SharedKeyStore() override { StopFollowing(); }

  // Reads the stream from where the last read ended to its last message.
  absl::Status CatchUp() const {
    // CatchUpFold holds mu_ around each Fold.
    return CatchUpFold(*log_, mu_, read_to_, [this](const LogMessage& message)
                                                ABSL_NO_THREAD_SAFETY_ANALYSIS { Fold(message); });
  }

  absl::StatusOr<std::vector<v1::KeyRecord>> Load() const override {
    if (absl::Status s = CatchUp(); !s.ok()) return s;
    absl::MutexLock lock(&mu_);
    // A missing pepper is the key table's to name (Pepper(false)).
    if (const std::string mine = OwnPepperCheck(); !mine.empty()) {
      for (const auto& [check, id] : checks_) {
        if (check != mine) {
          return absl::FailedPreconditionError(absl::StrCat(
              "API key ", id, " in the shared keys (", kKeysStream,
              ") was made with another pepper than ", pepper_path_, ": ", kSamePepperHint));
        }
      }
    }
    std::vector<v1::KeyRecord> records;
    records.reserve(order_.size());
    for (const std::string& id : order_) records.push_back(folded_.at(id));
    return records;
  }

  absl::Status Save(const std::vector<v1::KeyRecord>& records) override {
    const std::string check = OwnPepperCheck();
    for (const v1::KeyRecord& record : records) {
      LogAppend append;
      append.subject = KeySubject(record.key().id());
      append.data = record.SerializeAsString();
      if (!check.empty()) append.headers = {{kPepperCheckHeader, check}};
      // The same change retried is stored once.
      append.message_id = absl::StrCat(record.key().id(), ":", Sha256Hex(append.data, 12));
      absl::StatusOr<LogAppended> appended = log_->Append(append);
      if (!appended.ok()) return appended.status();
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::string> Pepper(bool create) override {
    if (!std::filesystem::exists(pepper_path_)) {
      absl::MutexLock lock(&mu_);
      if (!checks_.empty()) {
        // Making a new one would split the cluster's keys in two.
        return absl::FailedPreconditionError(absl::StrCat(
            "no pepper at ", pepper_path_, ", and the shared keys (", kKeysStream,
            ") were made with one: ", kSamePepperHint));
      }
    }
    return LoadPepper(pepper_path_, create);
  }

  void Follow(absl::AnyInvocable<void(const v1::KeyRecord&)> apply) override {
    StopFollowing();
    stop_ = false;
    follower_ = std::thread([this, apply = std::move(apply)]() mutable { FollowLoop(apply); });
  }

  void StopFollowing() override {
    stop_ = true;
    if (follower_.joinable()) follower_.join();
  }

 private:
  // The check of this replica's pepper file; empty when it has none.
  std::string OwnPepperCheck() const {
    absl::StatusOr<std::string> pepper = LoadPepper(pepper_path_, /*create=*/false);
    return pepper.ok() ? PepperCheck(*pepper) : "";
  }

  // Folds one message into the keys; returns the key as merged, or nullptr
  // for a message that is not a key record (logged and skipped).
  const v1::KeyRecord* Fold(const LogMessage& message) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    read_to_ = message.sequence;
    v1::KeyRecord record;
    if (!record.ParseFromString(message.data) || record.key().id().empty()) {
      LogEvent(LogLevel::kWarning, "keys.record_skipped",
               {{"stream", kKeysStream}, {"sequence", message.sequence}});
      return nullptr;
    }
    const std::string id = record.key().id();
    const std::string check = message.Header(kPepperCheckHeader);
    if (!check.empty() && !record.digest().empty()) checks_.emplace(check, id);
    auto [it, added] = folded_.try_emplace(id, record);
    if (added) {
      order_.push_back(id);
    } else {
      it->second = MergeKeyRecord(it->second, record);
    }
    return &it->second;
  }

  void FollowLoop(absl::AnyInvocable<void(const v1::KeyRecord&)>& apply) {
    LogFollower follower(*log_, "keys.follow_failed");
    while (!stop_) {
      uint64_t after;
      {
        absl::MutexLock lock(&mu_);
        after = read_to_;
      }
      for (const LogMessage& message : follower.Next(after, kFollowWait)) {
        v1::KeyRecord merged;
        {
          absl::MutexLock lock(&mu_);
          if (message.sequence <= read_to_) continue;
          const v1::KeyRecord* folded = Fold(message);
          if (folded == nullptr) continue;
          merged = *folded;
        }
        WarnOfAnotherPepper(message, merged);
        apply(merged);
      }
    }
  }

  void WarnOfAnotherPepper(const LogMessage& message, const v1::KeyRecord& record) {
    const std::string check = message.Header(kPepperCheckHeader);
    if (check.empty() || record.digest().empty()) return;
    const std::string mine = OwnPepperCheck();
    if (!mine.empty() && mine != check) {
      LogEvent(LogLevel::kError, "keys.other_pepper",
               {{"key", record.key().id()}, {"pepper", pepper_path_}});
    }
  }

  const std::unique_ptr<JetStreamLog> log_;
  const std::string pepper_path_;
  // What has been read of the stream: reading it (even in Load) fills it.
  mutable absl::Mutex mu_;
  // The last sequence folded in.
  mutable uint64_t read_to_ ABSL_GUARDED_BY(mu_) = 0;
  mutable absl::flat_hash_map<std::string, v1::KeyRecord> folded_ ABSL_GUARDED_BY(mu_);
  mutable std::vector<std::string> order_ ABSL_GUARDED_BY(mu_);
  // The pepper checks the keys with secrets were made with, and a key of each.
  mutable absl::flat_hash_map<std::string, std::string> checks_ ABSL_GUARDED_BY(mu_);
  std::atomic<bool> stop_{false};
  std::thread follower_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<KeyStore>> OpenSharedKeyStore(const JetStreamOptions& log,
                                                             KeyStore& local,
                                                             std::string pepper_path) {
  absl::StatusOr<std::unique_ptr<JetStreamLog>> opened =
      JetStreamLog::Open(StreamBeside(log, kKeysStream, kKeysSubjects));
  if (!opened.ok()) return opened.status();
  auto store = std::make_unique<SharedKeyStore>(*std::move(opened), std::move(pepper_path));
  absl::StatusOr<std::vector<v1::KeyRecord>> shared = store->Load();
  if (!shared.ok()) return shared.status();
  absl::StatusOr<std::vector<v1::KeyRecord>> mine = local.Load();
  if (!mine.ok()) return mine.status();
  // Local keys the shared ones lack, or changes they do not have yet.
  absl::flat_hash_map<std::string, const v1::KeyRecord*> by_id;
  for (const v1::KeyRecord& record : *shared) by_id[record.key().id()] = &record;
  std::vector<v1::KeyRecord> missing;
  for (const v1::KeyRecord& record : *mine) {
    auto it = by_id.find(record.key().id());
    if (it == by_id.end() || !google::protobuf::util::MessageDifferencer::Equals(
                                 MergeKeyRecord(*it->second, record), *it->second)) {
      missing.push_back(record);
    }
  }
  if (!missing.empty()) {
    if (absl::Status s = store->Save(missing); !s.ok()) return s;
    if (absl::Status s = store->CatchUp(); !s.ok()) return s;
  }
  return store;
}

}  // namespace newswire
