#include "service/access_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "core/model/article.h"
#include "service/call_credentials.h"
#include "service/request_bytes.h"
#include "service/status.h"

namespace newswire {
namespace {

v1::GetEntitlementsResponse::Via ViaOf(const Principal& principal) {
  switch (principal.via()) {
    case Principal::Via::kKey:
      return v1::GetEntitlementsResponse::VIA_KEY;
    case Principal::Via::kCertificate:
      return v1::GetEntitlementsResponse::VIA_CERTIFICATE;
    default:
      return v1::GetEntitlementsResponse::VIA_OPEN;
  }
}

// Runs one admin call: admits it, then runs `act` (returning what to
// answer and, for changes, what to audit).
template <typename Response, typename Act>
grpc::ServerUnaryReactor* AdminCall(Gate& gate, grpc::CallbackServerContext* context,
                                    const char* method, Response* response, Act act) {
  absl::StatusOr<Caller> caller =
      gate.Admit(CallCredentials(*context), method, Action::kAdmin);
  if (!caller.ok()) return FinishUnary(context, caller.status());
  std::string audited;
  absl::StatusOr<Response> result = act(audited);
  if (result.ok()) {
    *response = *std::move(result);
    if (!audited.empty()) gate.Allow(*caller, std::move(audited));
  }
  return FinishUnary(context, result.status());
}

}  // namespace

AccountService::AccountService(Gate* gate) : gate_(gate) {
  MarkMethodCallback(MethodIndex(v1::Account::service_full_name(), "GetEntitlements"),
                     ParseCheckedUnary(this, &AccountService::GetEntitlements));
}

AdminService::AdminService(Gate* gate, KeyTable* keys, AuditLog* audit)
    : gate_(gate), keys_(keys), audit_(audit) {
  const char* const service = v1::Admin::service_full_name();
  MarkMethodCallback(MethodIndex(service, "CreateKey"),
                     ParseCheckedUnary(this, &AdminService::CreateKey));
  MarkMethodCallback(MethodIndex(service, "ListKeys"),
                     ParseCheckedUnary(this, &AdminService::ListKeys));
  MarkMethodCallback(MethodIndex(service, "RevokeKey"),
                     ParseCheckedUnary(this, &AdminService::RevokeKey));
  MarkMethodCallback(MethodIndex(service, "RotateKey"),
                     ParseCheckedUnary(this, &AdminService::RotateKey));
  MarkMethodCallback(MethodIndex(service, "ReadAudit"),
                     ParseCheckedUnary(this, &AdminService::ReadAudit));
}

grpc::ServerUnaryReactor* AccountService::GetEntitlements(
    grpc::CallbackServerContext* context, const v1::GetEntitlementsRequest* /*request*/,
    v1::GetEntitlementsResponse* response) {
  absl::StatusOr<Caller> caller =
      gate_->Admit(CallCredentials(*context), "GetEntitlements", Action::kAccount);
  if (!caller.ok()) return FinishUnary(context, caller.status());
  const Principal& principal = *caller->principal;
  response->set_via(ViaOf(principal));
  if (response->via() != v1::GetEntitlementsResponse::VIA_OPEN) {
    *response->mutable_key() = principal.CurrentKey();
  }
  return FinishUnary(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* AdminService::CreateKey(grpc::CallbackServerContext* context,
                                                  const v1::CreateKeyRequest* request,
                                                  v1::CreateKeyResponse* response) {
  return AdminCall(*gate_, context, "CreateKey", response,
                   [&](std::string& audited) -> absl::StatusOr<v1::CreateKeyResponse> {
                     absl::StatusOr<v1::CreateKeyResponse> made =
                         keys_->Create(*request, absl::Now());
                     if (made.ok()) {
                       audited = absl::StrCat("created key ", made->key().id(), " for \"",
                                              made->key().name(), "\"");
                     }
                     return made;
                   });
}

grpc::ServerUnaryReactor* AdminService::ListKeys(grpc::CallbackServerContext* context,
                                                 const v1::ListKeysRequest* /*request*/,
                                                 v1::ListKeysResponse* response) {
  return AdminCall(*gate_, context, "ListKeys", response,
                   [&](std::string&) -> absl::StatusOr<v1::ListKeysResponse> {
                     v1::ListKeysResponse listed;
                     for (v1::ApiKey& key : keys_->List())
                       *listed.add_keys() = std::move(key);
                     return listed;
                   });
}

grpc::ServerUnaryReactor* AdminService::RevokeKey(grpc::CallbackServerContext* context,
                                                  const v1::RevokeKeyRequest* request,
                                                  v1::RevokeKeyResponse* response) {
  return AdminCall(*gate_, context, "RevokeKey", response,
                   [&](std::string& audited) -> absl::StatusOr<v1::RevokeKeyResponse> {
                     if (absl::Status s = CheckIdSize("id", request->id()); !s.ok()) {
                       return s;
                     }
                     absl::StatusOr<v1::ApiKey> revoked =
                         keys_->Revoke(request->id(), absl::Now());
                     if (!revoked.ok()) return revoked.status();
                     audited = absl::StrCat("revoked key ", revoked->id(), " of \"",
                                            revoked->name(), "\"");
                     v1::RevokeKeyResponse answer;
                     *answer.mutable_key() = *std::move(revoked);
                     return answer;
                   });
}

grpc::ServerUnaryReactor* AdminService::RotateKey(grpc::CallbackServerContext* context,
                                                  const v1::RotateKeyRequest* request,
                                                  v1::CreateKeyResponse* response) {
  return AdminCall(*gate_, context, "RotateKey", response,
                   [&](std::string& audited) -> absl::StatusOr<v1::CreateKeyResponse> {
                     if (absl::Status s = CheckIdSize("id", request->id()); !s.ok()) {
                       return s;
                     }
                     absl::Duration grace = kDefaultRotationGrace;
                     if (request->has_grace()) {
                       grace = absl::Seconds(request->grace().seconds()) +
                               absl::Nanoseconds(request->grace().nanos());
                       if (grace < absl::ZeroDuration()) {
                         return absl::InvalidArgumentError("grace: cannot be negative");
                       }
                     }
                     absl::StatusOr<v1::CreateKeyResponse> made =
                         keys_->Rotate(request->id(), grace, absl::Now());
                     if (made.ok()) {
                       audited = absl::StrCat("rotated key ", request->id(), " to ",
                                              made->key().id());
                     }
                     return made;
                   });
}

grpc::ServerUnaryReactor* AdminService::ReadAudit(grpc::CallbackServerContext* context,
                                                  const v1::ReadAuditRequest* request,
                                                  v1::ReadAuditResponse* response) {
  return AdminCall(
      *gate_, context, "ReadAudit", response,
      [&](std::string&) -> absl::StatusOr<v1::ReadAuditResponse> {
        absl::StatusOr<std::vector<v1::AuditEntry>> entries = audit_->ReadAudit(
            request->has_since() ? FromProtoTime(request->since()) : absl::InfinitePast(),
            request->after_id(), request->limit() == 0 ? 1000 : request->limit());
        if (!entries.ok()) return entries.status();
        v1::ReadAuditResponse answer;
        for (v1::AuditEntry& e : *entries) *answer.add_entries() = std::move(e);
        return answer;
      });
}

}  // namespace newswire
