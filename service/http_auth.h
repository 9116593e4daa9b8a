// API keys on the HTTP edge: the same keys, scopes, limits, entitlements
// and audit log as gRPC (core/policy/gate.h). A request presents its key
// as `Authorization: Bearer KEY`, as `X-API-Key: KEY`, or as the password
// of `Authorization: Basic` (what feed readers such as Miniflux can send;
// the user name is ignored, or is the key when the password is empty).
//
// A refused request is answered 401 with WWW-Authenticate (Basic, so a
// browser asks for the key and then sends it with every request of the
// page, its event stream included), 403 naming the missing scope or
// entitlement, or 429 naming the limit.
#ifndef NEWSWIRE_SERVICE_HTTP_AUTH_H_
#define NEWSWIRE_SERVICE_HTTP_AUTH_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "core/policy/gate.h"
#include "service/http_server.h"

namespace newswire {

// What `request` presents (its key; the peer).
Credentials HttpCredentials(const HttpRequest& request);

// The answer for a refused request (`status` from the gate or policy).
HttpResponse HttpDenial(const absl::Status& status);

using GuardedHandler = std::function<HttpResponse(const HttpRequest&, const Caller&)>;

// `handler` behind `gate`: each request is admitted for `action` (named
// `method` in the audit log) and handed the caller, else refused.
HttpHandler Guarded(Gate& gate, std::string method, Action action, GuardedHandler handler);

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_HTTP_AUTH_H_
