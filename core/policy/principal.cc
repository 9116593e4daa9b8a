#include "core/policy/principal.h"

#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/model/article.h"

namespace newswire {
namespace {

constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

uint32_t ScopeBits(const v1::Entitlements& entitlements) {
  uint32_t bits = 0;
  for (int scope : entitlements.scopes()) {
    if (scope > 0 && scope < 32) bits |= 1u << scope;
  }
  return bits;
}

// Entitlements keep sources apart from the filter (ValidateEntitlements
// refuses filter.sources), so folding them in is a copy.
v1::Filter ReadFilter(const v1::Entitlements& entitlements) {
  v1::Filter filter = entitlements.filter();
  *filter.mutable_sources() = entitlements.sources();
  return filter;
}

// Every scope; embargo preview only where asked: even an open server keeps
// embargoes (a held article is not readable until its release).
v1::ApiKey Everything(absl::string_view name, bool embargo_preview) {
  v1::ApiKey key;
  key.set_name(std::string(name));
  for (v1::Scope scope :
       {v1::SCOPE_PUBLISH, v1::SCOPE_SUBSCRIBE, v1::SCOPE_SEARCH, v1::SCOPE_ADMIN}) {
    key.mutable_entitlements()->add_scopes(scope);
  }
  key.mutable_entitlements()->set_embargo_preview(embargo_preview);
  return key;
}

}  // namespace

std::shared_ptr<const Principal> Principal::InProcess() {
  static const auto* principal = new std::shared_ptr<const Principal>(
      new Principal(Everything("in-process", true), Via::kInProcess));
  return *principal;
}

std::shared_ptr<const Principal> Principal::Open() {
  static const auto* principal = new std::shared_ptr<const Principal>(
      new Principal(Everything("open", false), Via::kOpen));
  return *principal;
}

Principal::Principal(v1::ApiKey key, Via via)
    : via_(via),
      key_(std::move(key)),
      scopes_(ScopeBits(key_.entitlements())),
      read_filter_(ReadFilter(key_.entitlements())),
      revoked_us_(key_.has_revoked() ? absl::ToUnixMicros(FromProtoTime(key_.revoked()))
                                     : 0),
      expires_us_(key_.has_expires() ? absl::ToUnixMicros(FromProtoTime(key_.expires()))
                                     : kNever),
      publish_bucket_(key_.limits().publish_per_second(), key_.limits().publish_burst()),
      search_bucket_(key_.limits().search_per_second(), key_.limits().search_burst()) {}

v1::ApiKey Principal::CurrentKey() const {
  v1::ApiKey key = key_;
  if (const int64_t revoked = revoked_us_.load(); revoked != 0) {
    *key.mutable_revoked() = ToProtoTime(absl::FromUnixMicros(revoked));
  }
  if (const int64_t expires = expires_us_.load(); expires != kNever) {
    *key.mutable_expires() = ToProtoTime(absl::FromUnixMicros(expires));
  }
  return key;
}

bool Principal::HasSource(absl::string_view source) const {
  if (!LimitedToSources()) return true;
  for (const std::string& allowed : entitlements().sources()) {
    if (absl::EqualsIgnoreCase(allowed, source)) return true;
  }
  return false;
}

absl::Status Principal::CheckValid(absl::Time now) const {
  if (revoked_us_.load(std::memory_order_relaxed) != 0) {
    return absl::UnauthenticatedError(absl::StrCat("API key ", key_id(), " was revoked"));
  }
  const int64_t expires = expires_us_.load(std::memory_order_relaxed);
  if (expires != kNever && absl::ToUnixMicros(now) >= expires) {
    return absl::UnauthenticatedError(
        absl::StrCat("API key ", key_id(), " expired at ",
                     absl::FormatTime(absl::RFC3339_sec, absl::FromUnixMicros(expires),
                                      absl::UTCTimeZone())));
  }
  return absl::OkStatus();
}

absl::Time Principal::ValidUntil() const {
  if (revoked_us_.load() != 0) return absl::InfinitePast();
  const int64_t expires = expires_us_.load();
  return expires == kNever ? absl::InfiniteFuture() : absl::FromUnixMicros(expires);
}

void Principal::Revoke(absl::Time when) {
  int64_t expected = 0;
  revoked_us_.compare_exchange_strong(expected,
                                      std::max<int64_t>(1, absl::ToUnixMicros(when)));
}

void Principal::ExpireBy(absl::Time when) {
  const int64_t us = absl::ToUnixMicros(when);
  int64_t current = expires_us_.load();
  while (us < current && !expires_us_.compare_exchange_weak(current, us)) {
  }
}

std::string ScopeName(v1::Scope scope) {
  switch (scope) {
    case v1::SCOPE_PUBLISH:
      return "publish";
    case v1::SCOPE_SUBSCRIBE:
      return "subscribe";
    case v1::SCOPE_SEARCH:
      return "search";
    case v1::SCOPE_ADMIN:
      return "admin";
    default:
      return absl::StrCat("scope ", static_cast<int>(scope));
  }
}

}  // namespace newswire
