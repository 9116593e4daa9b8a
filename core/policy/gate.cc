#include "core/policy/gate.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/base/event_log.h"
#include "core/model/article.h"
#include "core/policy/api_key.h"
#include "core/policy/policy.h"

namespace newswire {
namespace {

// How often open streams are checked for keys that expired.
constexpr absl::Duration kWatchInterval = absl::Milliseconds(500);

std::string RateText(double per_second) { return absl::StrCat(per_second, "/s"); }

}  // namespace

Caller InProcessCaller(std::string method) {
  return Caller{.principal = Principal::InProcess(),
                .peer = "in-process",
                .method = std::move(method)};
}

StreamLease::StreamLease(StreamLease&& other) noexcept
    : gate_(std::exchange(other.gate_, nullptr)), id_(other.id_) {}

StreamLease::~StreamLease() {
  if (gate_ != nullptr) gate_->Release(id_);
}

void StreamLease::OnKeyInvalid(std::function<void(const absl::Status&)> end) {
  gate_->SetEnd(id_, std::move(end));
}

Gate::Gate(const KeyTable* keys, AuditLog* audit, Clock clock)
    : keys_(keys), audit_(audit), clock_(std::move(clock)) {
  watcher_ = std::thread([this] { WatchLoop(); });
}

Gate::~Gate() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  watcher_.join();
}

absl::StatusOr<std::shared_ptr<const Principal>> Gate::Authenticate(
    const Credentials& credentials, absl::Time now) const {
  if (!keys_->enforcing()) return Principal::Open();
  if (!credentials.secret.empty()) return keys_->Authenticate(credentials.secret, now);
  if (!credentials.certificate.empty()) {
    return keys_->AuthenticateCertificate(credentials.certificate, now);
  }
  return absl::UnauthenticatedError(
      "this server needs an API key: send it as `authorization: Bearer <key>` or "
      "`x-api-key: <key>` (newswire --key, $NEWSWIRE_KEY)");
}

absl::Status Gate::Check(const Principal& principal, Action action,
                         absl::Time now) const {
  switch (action) {
    case Action::kPublish:
      if (absl::Status s = RequireScope(principal, v1::SCOPE_PUBLISH); !s.ok()) return s;
      if (!principal.TakePublish(now)) {
        return absl::ResourceExhaustedError(absl::StrCat(
            "publish rate limit of ", Describe(principal), " (",
            RateText(principal.key().limits().publish_per_second()), ") exceeded"));
      }
      return absl::OkStatus();
    case Action::kSubscribe:
      return RequireScope(principal, v1::SCOPE_SUBSCRIBE);
    case Action::kRead:
      if (principal.HasScope(v1::SCOPE_SEARCH)) return absl::OkStatus();
      return RequireScope(principal, v1::SCOPE_SUBSCRIBE);
    case Action::kSearch:
      if (absl::Status s = RequireScope(principal, v1::SCOPE_SEARCH); !s.ok()) return s;
      if (!principal.TakeSearch(now)) {
        return absl::ResourceExhaustedError(absl::StrCat(
            "search rate limit of ", Describe(principal), " (",
            RateText(principal.key().limits().search_per_second()), ") exceeded"));
      }
      return absl::OkStatus();
    case Action::kAccount:
      return absl::OkStatus();
    case Action::kAdmin:
      return RequireScope(principal, v1::SCOPE_ADMIN);
  }
  return absl::InternalError("unknown action");
}

absl::StatusOr<Caller> Gate::Admit(const Credentials& credentials, std::string method,
                                   Action action) {
  const absl::Time now = clock_();
  absl::StatusOr<std::shared_ptr<const Principal>> principal =
      Authenticate(credentials, now);
  if (!principal.ok()) {
    RecordUnauthenticated(credentials, method, principal.status());
    return principal.status();
  }
  Caller caller{.principal = *std::move(principal),
                .peer = credentials.peer,
                .method = std::move(method)};
  if (absl::Status s = Check(*caller.principal, action, now); !s.ok()) {
    return Deny(caller, std::move(s));
  }
  return caller;
}

absl::Status Gate::Readmit(const Caller& caller, Action action) {
  const absl::Time now = clock_();
  absl::Status status = caller.principal->CheckValid(now);
  if (status.ok()) status = Check(*caller.principal, action, now);
  if (!status.ok()) return Deny(caller, std::move(status));
  return absl::OkStatus();
}

absl::Status Gate::Deny(const Caller& caller, absl::Status status) {
  Record(caller, v1::AuditEntry::DENIED,
         absl::StrCat(absl::StatusCodeToString(status.code()), ": ", status.message()));
  return status;
}

void Gate::Allow(const Caller& caller, std::string what) {
  Record(caller, v1::AuditEntry::ALLOWED, std::move(what));
}

void Gate::Record(const Caller& caller, v1::AuditEntry::Decision decision,
                  std::string reason) {
  if (caller.principal->via() == Principal::Via::kInProcess) return;
  v1::AuditEntry entry;
  *entry.mutable_time() = ToProtoTime(clock_());
  entry.set_key_id(caller.principal->key_id());
  entry.set_principal(caller.principal->name());
  entry.set_peer(caller.peer);
  entry.set_method(caller.method);
  entry.set_decision(decision);
  entry.set_reason(std::move(reason));
  if (decision == v1::AuditEntry::DENIED) LogDenied(entry);
  audit_->Record(std::move(entry));
}

void Gate::RecordUnauthenticated(const Credentials& credentials,
                                 const std::string& method, const absl::Status& status) {
  const absl::Time now = clock_();
  if (!unauthenticated_audit_.Take(now)) {
    unrecorded_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  v1::AuditEntry entry;
  *entry.mutable_time() = ToProtoTime(now);
  // The key's public id when the secret has one; never the secret.
  if (absl::StatusOr<std::string> id = SecretKeyId(credentials.secret); id.ok()) {
    entry.set_key_id(*id);
  }
  entry.set_principal(credentials.certificate);
  entry.set_peer(credentials.peer);
  entry.set_method(method);
  entry.set_decision(v1::AuditEntry::DENIED);
  std::string reason =
      absl::StrCat(absl::StatusCodeToString(status.code()), ": ", status.message());
  if (const uint64_t skipped = unrecorded_.exchange(0); skipped > 0) {
    absl::StrAppend(&reason, " (and ", skipped,
                    " earlier unauthenticated calls not recorded: over 50/s)");
  }
  entry.set_reason(std::move(reason));
  LogDenied(entry);
  audit_->Record(std::move(entry));
}

void Gate::LogDenied(const v1::AuditEntry& entry) {
  LogEvent(LogLevel::kInfo, "call.denied",
           {{"method", entry.method()},
            {"peer", entry.peer()},
            {"key", entry.key_id().empty() ? entry.principal() : entry.key_id()},
            {"reason", entry.reason()}});
}

absl::StatusOr<StreamLease> Gate::OpenStream(const Caller& caller) {
  const uint32_t max = caller.principal->key().limits().max_streams();
  std::atomic<uint32_t>& open = caller.principal->open_streams();
  uint32_t now_open = open.fetch_add(1) + 1;
  if (max != 0 && now_open > max) {
    open.fetch_sub(1);
    return Deny(caller, absl::ResourceExhaustedError(
                            absl::StrCat("stream limit of ", Describe(*caller.principal),
                                         " (", max, " open at once) reached")));
  }
  absl::MutexLock lock(&mu_);
  const uint64_t id = next_lease_++;
  watched_[id] =
      Watched{.principal = caller.principal, .peer = caller.peer, .end = nullptr};
  return StreamLease(this, id);
}

void Gate::SetEnd(uint64_t id, std::function<void(const absl::Status&)> end) {
  absl::MutexLock lock(&mu_);
  if (auto it = watched_.find(id); it != watched_.end()) it->second.end = std::move(end);
}

void Gate::Release(uint64_t id) {
  std::shared_ptr<const Principal> principal;
  {
    absl::MutexLock lock(&mu_);
    auto it = watched_.find(id);
    if (it == watched_.end()) return;
    principal = std::move(it->second.principal);
    watched_.erase(it);
  }
  principal->open_streams().fetch_sub(1);
}

void Gate::KeysChanged() {
  absl::MutexLock lock(&mu_);
  wake_ = true;
}

void Gate::WatchLoop() {
  absl::MutexLock lock(&mu_);
  while (true) {
    auto woken = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return wake_ || stop_; };
    mu_.AwaitWithTimeout(absl::Condition(&woken), kWatchInterval);
    if (stop_) return;
    wake_ = false;
    const absl::Time now = clock_();
    struct Ending {
      Caller caller;
      std::function<void(const absl::Status&)> end;
      absl::Status status;
    };
    std::vector<Ending> ending;
    for (auto& [id, watched] : watched_) {
      if (watched.end == nullptr) continue;
      absl::Status status = watched.principal->CheckValid(now);
      if (status.ok()) continue;
      ending.push_back(Ending{.caller = Caller{.principal = watched.principal,
                                               .peer = watched.peer,
                                               .method = "Subscribe"},
                              .end = std::exchange(watched.end, nullptr),
                              .status = std::move(status)});
    }
    if (ending.empty()) continue;
    mu_.Unlock();
    for (Ending& e : ending) {
      e.end(e.status);
      Record(e.caller, v1::AuditEntry::DENIED,
             absl::StrCat("stream ended: ", e.status.message()));
    }
    ending.clear();
    mu_.Lock();
  }
}

}  // namespace newswire
