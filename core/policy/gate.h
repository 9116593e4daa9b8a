// Gate: what every edge (gRPC, later HTTP) asks before serving a call.
//
// It authenticates the credentials a call presents against the key table
// (per call, never per connection), checks the scope and rate limit of
// what the call does, counts and watches open streams (ending them when
// their key is revoked or expires), and records every denial in the audit
// log. What an admitted caller may do to an article or read through a
// filter is the policy's (policy.h), asked by the Wire and the edges.
#ifndef NEWSWIRE_CORE_POLICY_GATE_H_
#define NEWSWIRE_CORE_POLICY_GATE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "core/policy/audit_log.h"
#include "core/policy/key_table.h"
#include "core/policy/principal.h"
#include "core/policy/rate_limit.h"

namespace newswire {

// What a call presents, as the transport read it.
struct Credentials {
  // The secret from `authorization: Bearer <secret>` or `x-api-key`; empty
  // when the call has none.
  std::string secret;
  // The principal its verified client certificate names (URI SAN, else
  // CN); empty without one.
  std::string certificate;
  // The client's address, for the audit log and per-client limits.
  std::string peer;
};

// An admitted call: who makes it, from where, and what it is.
struct Caller {
  std::shared_ptr<const Principal> principal;
  std::string peer;
  std::string method;
};

// A caller for the server's own process (files loaded at start).
Caller InProcessCaller(std::string method);

// What a call does, for its scope and limits.
enum class Action {
  kPublish,    // publish scope; the publish rate.
  kSubscribe,  // subscribe scope.
  kRead,       // GetArticle: subscribe or search scope.
  kSearch,     // search scope; the search rate.
  kAccount,    // any valid key (GetEntitlements).
  kAdmin,      // admin scope.
};

class Gate;

// An open stream the gate watches; it stops counting and watching when
// destroyed.
class StreamLease {
 public:
  StreamLease(StreamLease&& other) noexcept;
  StreamLease& operator=(StreamLease&&) = delete;
  StreamLease(const StreamLease&) = delete;
  ~StreamLease();

  // `end` is called once, from the gate's thread, with UNAUTHENTICATED
  // when the stream's key is revoked or expires. It must not block.
  void OnKeyInvalid(std::function<void(const absl::Status&)> end);

 private:
  friend class Gate;
  StreamLease(Gate* gate, uint64_t id) : gate_(gate), id_(id) {}
  Gate* gate_;
  uint64_t id_;
};

class Gate {
 public:
  using Clock = absl::AnyInvocable<absl::Time() const>;

  // Admits calls against `keys`; a table without keys admits every call
  // as the open principal (which only a loopback or --insecure server has).
  // REQUIRES: both outlive the gate.
  Gate(
      const KeyTable* keys, AuditLog* audit, Clock clock = [] { return absl::Now(); });
  Gate(const Gate&) = delete;
  Gate& operator=(const Gate&) = delete;
  // REQUIRES: every lease is gone.
  ~Gate();

  // The caller `credentials` stand for, if it may do `action` now: a
  // secret is checked first, else the certificate's grant. Returns
  // UNAUTHENTICATED (no key where keys are needed; malformed, unknown,
  // revoked or expired), PERMISSION_DENIED naming the missing scope, or
  // RESOURCE_EXHAUSTED naming the rate limit; each is audited.
  absl::StatusOr<Caller> Admit(const Credentials& credentials, std::string method,
                               Action action);

  // For each further item of a call admitted before (an article of a
  // PublishStream): the key is still valid and within its rate limit.
  absl::Status Readmit(const Caller& caller, Action action);

  // Records a denial found after admission (an entitlement, a source) and
  // returns `status`.
  absl::Status Deny(const Caller& caller, absl::Status status);

  // Records something allowed that the log keeps (a publish or kill).
  void Allow(const Caller& caller, std::string what);

  // Starts watching a stream of `caller`: RESOURCE_EXHAUSTED (audited) when
  // its key has max_streams open already.
  absl::StatusOr<StreamLease> OpenStream(const Caller& caller);

  // Looks at the watched streams now (after a key changed) instead of at
  // the next round. Thread-safe.
  void KeysChanged();

  // Whether calls need a key.
  bool enforcing() const { return keys_->enforcing(); }

 private:
  friend class StreamLease;
  struct Watched {
    std::shared_ptr<const Principal> principal;
    std::string peer;
    std::function<void(const absl::Status&)> end;
  };

  absl::StatusOr<std::shared_ptr<const Principal>> Authenticate(
      const Credentials& credentials, absl::Time now) const;
  // Scope and rate of `action` for `principal`.
  absl::Status Check(const Principal& principal, Action action, absl::Time now) const;
  void Record(const Caller& caller, v1::AuditEntry::Decision decision,
              std::string reason);
  // A denial of a call no key admitted; rate-limited, so a flood of bad
  // keys cannot fill the disk.
  void RecordUnauthenticated(const Credentials& credentials, const std::string& method,
                             const absl::Status& status);
  // Logs a denial as "call.denied" (the server's event log, beside the
  // audit log), under the same rate limit as its audit record.
  static void LogDenied(const v1::AuditEntry& entry);
  void Release(uint64_t id);
  void SetEnd(uint64_t id, std::function<void(const absl::Status&)> end);
  // Ends watched streams whose key is no longer valid, every round or
  // when woken, until the gate is destroyed.
  void WatchLoop();

  const KeyTable* const keys_;
  AuditLog* const audit_;
  const Clock clock_;
  TokenBucket unauthenticated_audit_{50, 500};
  std::atomic<uint64_t> unrecorded_{0};

  absl::Mutex mu_;
  uint64_t next_lease_ ABSL_GUARDED_BY(mu_) = 1;
  absl::flat_hash_map<uint64_t, Watched> watched_ ABSL_GUARDED_BY(mu_);
  bool wake_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread watcher_;
};

}  // namespace newswire

#endif  // NEWSWIRE_CORE_POLICY_GATE_H_
