// The gRPC services of access control: Account (what the caller may do) and
// Admin (API keys and the audit log). Like FeedService they only
// translate: the Gate admits each call, the KeyTable and the audit log do
// the work.
#ifndef NEWSWIRE_SERVICE_ACCESS_SERVICE_H_
#define NEWSWIRE_SERVICE_ACCESS_SERVICE_H_

#include "core/policy/audit_log.h"
#include "core/policy/gate.h"
#include "core/policy/key_table.h"
#include "newswire/v1/access.grpc.pb.h"

namespace newswire {

// Both answer malformed requests INVALID_ARGUMENT (service/request_bytes.h).
class AccountService final : public v1::Account::CallbackService {
 public:
  // REQUIRES: `gate` outlives the service.
  explicit AccountService(Gate* gate);

  grpc::ServerUnaryReactor* GetEntitlements(
      grpc::CallbackServerContext* context, const v1::GetEntitlementsRequest* request,
      v1::GetEntitlementsResponse* response) override;

 private:
  Gate* const gate_;
};

// Key changes (create, revoke, rotate) are audited as allowed calls.
class AdminService final : public v1::Admin::CallbackService {
 public:
  // REQUIRES: all three outlive the service.
  AdminService(Gate* gate, KeyTable* keys, AuditLog* audit);

  grpc::ServerUnaryReactor* CreateKey(grpc::CallbackServerContext* context,
                                      const v1::CreateKeyRequest* request,
                                      v1::CreateKeyResponse* response) override;
  grpc::ServerUnaryReactor* ListKeys(grpc::CallbackServerContext* context,
                                     const v1::ListKeysRequest* request,
                                     v1::ListKeysResponse* response) override;
  grpc::ServerUnaryReactor* RevokeKey(grpc::CallbackServerContext* context,
                                      const v1::RevokeKeyRequest* request,
                                      v1::RevokeKeyResponse* response) override;
  grpc::ServerUnaryReactor* RotateKey(grpc::CallbackServerContext* context,
                                      const v1::RotateKeyRequest* request,
                                      v1::CreateKeyResponse* response) override;
  grpc::ServerUnaryReactor* ReadAudit(grpc::CallbackServerContext* context,
                                      const v1::ReadAuditRequest* request,
                                      v1::ReadAuditResponse* response) override;

 private:
  Gate* const gate_;
  KeyTable* const keys_;
  AuditLog* const audit_;
};

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_ACCESS_SERVICE_H_
