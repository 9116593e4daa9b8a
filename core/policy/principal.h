// Principal: who makes a call, as the policy sees it — an API key (or a
// client certificate granted one), the open server, or the server's own
// process — with its scopes, entitlements and limits.
//
// A key's Principal is shared by the key table and every call made with
// the key; revoking or shortening the key changes it in place, so calls in
// progress (open streams) see it at once.
#ifndef NEWSWIRE_CORE_POLICY_PRINCIPAL_H_
#define NEWSWIRE_CORE_POLICY_PRINCIPAL_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "core/policy/rate_limit.h"
#include "newswire/v1/access.pb.h"

namespace newswire {

class Principal {
 public:
  enum class Via {
    kInProcess,    // The server's own code (files loaded at start): every right.
    kOpen,         // A server without keys: every caller has every right.
    kKey,          // An API key's secret.
    kCertificate,  // A verified client certificate, granted a key.
  };

  // The shared principals of in-process code and of open servers: every
  // scope, no limits; the open one without embargo preview.
  static std::shared_ptr<const Principal> InProcess();
  static std::shared_ptr<const Principal> Open();

  // The principal of `key`, as of its record (revoked and expires included).
  Principal(v1::ApiKey key, Via via);
  Principal(const Principal&) = delete;
  Principal& operator=(const Principal&) = delete;

  Via via() const { return via_; }
  // The key, as created (not its later revocation or expiry); empty for
  // kInProcess and kOpen.
  const v1::ApiKey& key() const { return key_; }
  const std::string& key_id() const { return key_.id(); }
  // The principal's name ("open" and "in-process" for those).
  const std::string& name() const { return key_.name(); }
  // How logs name it: its key's id (never the secret), else its name.
  const std::string& log_name() const { return key_id().empty() ? name() : key_id(); }
  const v1::Entitlements& entitlements() const { return key_.entitlements(); }
  // The key's record now: as created, with its revocation and expiry as
  // they are now.
  v1::ApiKey CurrentKey() const;

  bool HasScope(v1::Scope scope) const { return (scopes_ & (1u << scope)) != 0; }
  // True when the key may publish as and read only some sources.
  bool LimitedToSources() const { return entitlements().sources_size() > 0; }
  // Whether `source` is one of its sources (ASCII case-blind); always true
  // without a source limit.
  bool HasSource(absl::string_view source) const;
  // What it may read, as one filter: the entitlement filter with the
  // entitled sources folded in.
  const v1::Filter& read_filter() const { return read_filter_; }

  // OK while the key is usable at `now`; UNAUTHENTICATED saying it was
  // revoked or has expired otherwise.
  absl::Status CheckValid(absl::Time now) const;
  // When it stops being valid without anyone acting (InfiniteFuture when
  // never, InfinitePast when revoked).
  absl::Time ValidUntil() const;

  // Rate limits (always allowed without one). Thread-safe.
  bool TakePublish(absl::Time now) const { return publish_bucket_.Take(now); }
  bool TakeSearch(absl::Time now) const { return search_bucket_.Take(now); }

  // Subscribe streams open with this key; the Gate keeps the count.
  std::atomic<uint32_t>& open_streams() const { return open_streams_; }

  // For the key table: marks the key revoked at `when`, or moves its expiry
  // earlier (never later).
  void Revoke(absl::Time when);
  void ExpireBy(absl::Time when);

 private:
  const Via via_;
  const v1::ApiKey key_;
  const uint32_t scopes_;
  const v1::Filter read_filter_;
  // Microseconds since the epoch; revoked_us_ 0 when not revoked,
  // expires_us_ INT64_MAX when never.
  std::atomic<int64_t> revoked_us_;
  std::atomic<int64_t> expires_us_;
  mutable TokenBucket publish_bucket_;
  mutable TokenBucket search_bucket_;
  mutable std::atomic<uint32_t> open_streams_{0};
};

// "publish", "subscribe", "search", "admin".
std::string ScopeName(v1::Scope scope);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_POLICY_PRINCIPAL_H_
