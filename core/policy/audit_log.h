// The audit log: who was refused what, and who published or killed what.
// Append-only; kept in the archive (SqliteStore, on disk or in memory).
#ifndef NEWSWIRE_CORE_POLICY_AUDIT_LOG_H_
#define NEWSWIRE_CORE_POLICY_AUDIT_LOG_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "newswire/v1/access.pb.h"

namespace newswire {

// Entries a ReadAudit call returns at most.
inline constexpr size_t kMaxAuditRead = 10000;

class AuditLog {
 public:
  virtual ~AuditLog() = default;

  // Appends `entry`; the log assigns its id. Does not wait for the disk:
  // the entry is committed with the archive's next commit, so one recorded
  // before a publish is durable no later than that publish, and within
  // about 100 ms when nothing is published. Thread-safe.
  virtual void Record(v1::AuditEntry entry) = 0;

  // Entries with id > `after_id` and time >= `since`, oldest first, at most
  // `limit` (and kMaxAuditRead). Every entry recorded before the call is
  // among them: entries not yet committed are committed first, so that an
  // action's row can be read as soon as the action returned. Thread-safe.
  virtual absl::StatusOr<std::vector<v1::AuditEntry>> ReadAudit(absl::Time since,
                                                                uint64_t after_id,
                                                                size_t limit) = 0;
};

}  // namespace newswire

#endif  // NEWSWIRE_CORE_POLICY_AUDIT_LOG_H_
