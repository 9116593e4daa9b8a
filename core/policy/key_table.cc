#include "core/policy/key_table.h"

#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "core/base/event_log.h"
#include "core/base/quote_input.h"
#include "core/model/article.h"
#include "core/policy/api_key.h"
#include "core/policy/policy.h"

namespace newswire {
namespace {

absl::Status ValidateName(absl::string_view name) {
  if (name.empty() || name.size() > kMaxPrincipalNameBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("name: 1 to ", kMaxPrincipalNameBytes, " bytes, got ", name.size()));
  }
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) {
      return absl::InvalidArgumentError("name: control characters are not allowed");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateLimits(const v1::KeyLimits& limits) {
  if (!(limits.publish_per_second() >= 0) || !(limits.search_per_second() >= 0)) {
    return absl::InvalidArgumentError("limits: a rate cannot be negative");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<KeyTable>> KeyTable::Open(
    std::unique_ptr<KeyStore> store) {
  absl::StatusOr<std::vector<v1::KeyRecord>> records = store->Load();
  if (!records.ok()) return records.status();
  std::unique_ptr<KeyTable> table(new KeyTable(std::move(store)));
  absl::MutexLock lock(&table->mu_);
  if (!records->empty()) {
    absl::StatusOr<std::string> pepper = table->store_->Pepper(/*create=*/false);
    if (!pepper.ok()) return pepper.status();
    table->pepper_ = *std::move(pepper);
  }
  for (v1::KeyRecord& record : *records) table->Insert(std::move(record));
  KeyTable* followed = table.get();
  table->store_->Follow([followed](const v1::KeyRecord& record) { followed->Apply(record); });
  return table;
}

KeyTable::~KeyTable() { store_->StopFollowing(); }

void KeyTable::NotifyChange() {
  absl::MutexLock lock(&on_change_mu_);
  if (on_change_) on_change_();
}

bool KeyTable::enforcing() const {
  absl::ReaderMutexLock lock(&mu_);
  return !order_.empty();
}

void KeyTable::Insert(v1::KeyRecord record) {
  const std::string id = record.key().id();
  if (by_id_.contains(id)) return;
  Entry entry;
  entry.principal = std::make_shared<Principal>(
      record.key(),
      record.key().certificate() ? Principal::Via::kCertificate : Principal::Via::kKey);
  entry.record = std::move(*record.mutable_key());
  entry.digest = std::move(*record.mutable_digest());
  if (entry.record.certificate()) certificates_[entry.record.name()].push_back(id);
  by_id_[id] = std::move(entry);
  order_.push_back(id);
}

absl::StatusOr<std::shared_ptr<const Principal>> KeyTable::Authenticate(
    absl::string_view secret, absl::Time now) const {
  absl::StatusOr<std::string> id = SecretKeyId(secret);
  if (!id.ok()) return id.status();
  absl::ReaderMutexLock lock(&mu_);
  auto it = by_id_.find(*id);
  // A known id with the wrong secret is answered as an unknown one: both
  // mean the secret is not one this server made.
  if (it == by_id_.end() || it->second.record.certificate() ||
      !DigestsEqual(KeyDigest(pepper_, secret), it->second.digest)) {
    return absl::UnauthenticatedError(absl::StrCat("unknown API key ", *id));
  }
  if (absl::Status s = it->second.principal->CheckValid(now); !s.ok()) return s;
  return std::shared_ptr<const Principal>(it->second.principal);
}

absl::StatusOr<std::shared_ptr<const Principal>> KeyTable::AuthenticateCertificate(
    absl::string_view name, absl::Time now) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = certificates_.find(name);
  if (it != certificates_.end()) {
    for (auto id = it->second.rbegin(); id != it->second.rend(); ++id) {
      const Entry& entry = by_id_.at(*id);
      if (entry.principal->CheckValid(now).ok()) {
        return std::shared_ptr<const Principal>(entry.principal);
      }
    }
  }
  return absl::UnauthenticatedError(absl::StrCat(
      "no API key given, and the client certificate's principal ", QuoteInput(name),
      " has no valid grant"));
}

std::string KeyTable::NewSecretFor(v1::ApiKey& key, std::string& digest) {
  while (true) {
    NewSecret made = GenerateSecret();
    if (by_id_.contains(made.id)) continue;
    key.set_id(made.id);
    digest = KeyDigest(pepper_, made.secret);
    return std::move(made.secret);
  }
}

absl::Status KeyTable::EnsurePepper() {
  {
    absl::ReaderMutexLock lock(&mu_);
    if (!pepper_.empty()) return absl::OkStatus();
  }
  absl::StatusOr<std::string> pepper = store_->Pepper(/*create=*/true);
  if (!pepper.ok()) return pepper.status();
  absl::MutexLock lock(&mu_);
  pepper_ = *std::move(pepper);
  return absl::OkStatus();
}

absl::StatusOr<v1::CreateKeyResponse> KeyTable::Create(
    const v1::CreateKeyRequest& request, absl::Time now) {
  if (absl::Status s = ValidateName(request.name()); !s.ok()) return s;
  if (absl::Status s = ValidateEntitlements(request.entitlements()); !s.ok()) return s;
  if (absl::Status s = ValidateLimits(request.limits()); !s.ok()) return s;
  if (request.has_expires() && FromProtoTime(request.expires()) <= now) {
    return absl::InvalidArgumentError("expires: the time has passed already");
  }
  absl::MutexLock write(&write_mu_);
  if (absl::Status s = EnsurePepper(); !s.ok()) return s;
  v1::KeyRecord record;
  v1::ApiKey& key = *record.mutable_key();
  key.set_name(request.name());
  *key.mutable_entitlements() = request.entitlements();
  *key.mutable_limits() = request.limits();
  *key.mutable_created() = ToProtoTime(now);
  if (request.has_expires()) *key.mutable_expires() = request.expires();
  key.set_certificate(request.certificate());
  v1::CreateKeyResponse response;
  {
    absl::ReaderMutexLock lock(&mu_);
    std::string secret = NewSecretFor(key, *record.mutable_digest());
    if (!request.certificate()) response.set_secret(std::move(secret));
  }
  if (request.certificate()) record.clear_digest();
  if (absl::Status s = store_->Save({record}); !s.ok()) return s;
  *response.mutable_key() = key;
  absl::MutexLock lock(&mu_);
  Insert(std::move(record));
  return response;
}

absl::StatusOr<v1::ApiKey> KeyTable::Revoke(absl::string_view id, absl::Time now) {
  v1::ApiKey revoked;
  {
    absl::MutexLock write(&write_mu_);
    v1::KeyRecord record;
    {
      absl::ReaderMutexLock lock(&mu_);
      auto it = by_id_.find(id);
      if (it == by_id_.end()) {
        return absl::NotFoundError(absl::StrCat("no API key ", QuoteInput(id)));
      }
      if (it->second.record.has_revoked()) return it->second.record;
      *record.mutable_key() = it->second.record;
      record.set_digest(it->second.digest);
    }
    *record.mutable_key()->mutable_revoked() = ToProtoTime(now);
    if (absl::Status s = store_->Save({record}); !s.ok()) return s;
    absl::MutexLock lock(&mu_);
    Merge(record);
    revoked = by_id_.at(id).record;
  }
  NotifyChange();
  return revoked;
}

absl::StatusOr<v1::CreateKeyResponse> KeyTable::Rotate(absl::string_view id,
                                                       absl::Duration grace,
                                                       absl::Time now) {
  v1::CreateKeyResponse response;
  {
    absl::MutexLock write(&write_mu_);
    v1::KeyRecord old_record, new_record;
    {
      absl::ReaderMutexLock lock(&mu_);
      auto it = by_id_.find(id);
      if (it == by_id_.end()) {
        return absl::NotFoundError(absl::StrCat("no API key ", QuoteInput(id)));
      }
      const Entry& old = it->second;
      if (old.record.certificate()) {
        return absl::FailedPreconditionError(absl::StrCat(
            "API key ", id, " is a certificate grant: it has no secret to rotate"));
      }
      if (absl::Status s = old.principal->CheckValid(now); !s.ok()) {
        return absl::FailedPreconditionError(
            absl::StrCat(s.message(), ": create a new key instead"));
      }
      *old_record.mutable_key() = old.record;
      old_record.set_digest(old.digest);
      v1::ApiKey& key = *new_record.mutable_key();
      key = old.record;
      key.clear_rotated_to();
      *key.mutable_created() = ToProtoTime(now);
      key.set_rotated_from(std::string(id));
      response.set_secret(NewSecretFor(key, *new_record.mutable_digest()));
    }
    v1::ApiKey& old_key = *old_record.mutable_key();
    const absl::Time ends = now + grace;
    if (!old_key.has_expires() || FromProtoTime(old_key.expires()) > ends) {
      *old_key.mutable_expires() = ToProtoTime(ends);
    }
    old_key.set_rotated_to(new_record.key().id());
    // The new key first: a store that saves one by one (shared keys) and
    // fails between the two leaves the old key as it was.
    if (absl::Status s = store_->Save({new_record, old_record}); !s.ok()) return s;
    *response.mutable_key() = new_record.key();
    absl::MutexLock lock(&mu_);
    Merge(old_record);
    Merge(new_record);
  }
  NotifyChange();
  return response;
}

void KeyTable::Apply(const v1::KeyRecord& record) {
  bool narrowed;
  {
    absl::MutexLock lock(&mu_);
    if (pepper_.empty() && !record.digest().empty()) {
      // The first key with a secret this process sees: its pepper must be
      // here already (the same file on every replica). Without it the key
      // cannot be checked and is refused, as an unknown one.
      absl::StatusOr<std::string> pepper = store_->Pepper(/*create=*/false);
      if (pepper.ok()) {
        pepper_ = *std::move(pepper);
      } else {
        LogEvent(LogLevel::kError, "keys.no_pepper",
                 {{"key", record.key().id()}, {"error", pepper.status().message()}});
      }
    }
    narrowed = Merge(record);
  }
  if (narrowed) NotifyChange();
}

bool KeyTable::Merge(const v1::KeyRecord& record) {
  auto it = by_id_.find(record.key().id());
  if (it == by_id_.end()) {
    Insert(record);
    return false;
  }
  Entry& entry = it->second;
  v1::KeyRecord held;
  *held.mutable_key() = entry.record;
  const v1::ApiKey merged = MergeKeyRecord(held, record).key();
  bool narrowed = false;
  if (merged.has_revoked() && !entry.record.has_revoked()) {
    entry.principal->Revoke(FromProtoTime(merged.revoked()));
    narrowed = true;
  }
  if (merged.has_expires() &&
      (!entry.record.has_expires() ||
       FromProtoTime(merged.expires()) < FromProtoTime(entry.record.expires()))) {
    entry.principal->ExpireBy(FromProtoTime(merged.expires()));
    narrowed = true;
  }
  entry.record = merged;
  return narrowed;
}

std::vector<v1::ApiKey> KeyTable::List() const {
  absl::ReaderMutexLock lock(&mu_);
  std::vector<v1::ApiKey> keys;
  keys.reserve(order_.size());
  for (const std::string& id : order_) keys.push_back(by_id_.at(id).record);
  return keys;
}

}  // namespace newswire
