#include "service/http_auth.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_replace.h"
#include "service/http_router.h"

namespace newswire {
namespace {

// The value after an authentication scheme ("Bearer ", "Basic "), case-blind.
bool TakeScheme(absl::string_view& value, absl::string_view scheme) {
  if (value.size() <= scheme.size() ||
      !absl::EqualsIgnoreCase(value.substr(0, scheme.size()), scheme)) {
    return false;
  }
  value = absl::StripLeadingAsciiWhitespace(value.substr(scheme.size()));
  return true;
}

}  // namespace

Credentials HttpCredentials(const HttpRequest& request) {
  Credentials credentials;
  credentials.peer = request.peer;
  const std::string authorization = request.Header("authorization");
  absl::string_view value = absl::StripAsciiWhitespace(authorization);
  if (value.empty()) {
    credentials.secret =
        std::string(absl::StripAsciiWhitespace(request.Header("x-api-key")));
  } else if (TakeScheme(value, "basic ")) {
    std::string decoded;
    if (absl::Base64Unescape(value, &decoded)) {
      const size_t colon = decoded.find(':');
      credentials.secret = colon == std::string::npos || colon + 1 == decoded.size()
                               ? decoded.substr(0, colon)
                               : decoded.substr(colon + 1);
    } else {
      credentials.secret = std::string(value);  // Refused as not a key.
    }
  } else {
    TakeScheme(value, "bearer ");
    credentials.secret = std::string(value);
  }
  return credentials;
}

HttpResponse HttpDenial(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kUnauthenticated: {
      HttpResponse response = TextResponse(401, status.message());
      response.headers.emplace_back("WWW-Authenticate",
                                    "Basic realm=\"newswire\", charset=\"UTF-8\"");
      return response;
    }
    case absl::StatusCode::kPermissionDenied:
      return TextResponse(403, status.message());
    case absl::StatusCode::kResourceExhausted: {
      HttpResponse response = TextResponse(429, status.message());
      response.headers.emplace_back("Retry-After", "1");
      return response;
    }
    case absl::StatusCode::kInvalidArgument:
      return TextResponse(400, status.message());
    default:
      return TextResponse(500, status.message());
  }
}

HttpHandler Guarded(Gate& gate, std::string method, Action action, GuardedHandler handler) {
  return [&gate, method = std::move(method), action,
          handler = std::move(handler)](const HttpRequest& request) {
    absl::StatusOr<Caller> caller = gate.Admit(HttpCredentials(request), method, action);
    if (!caller.ok()) return HttpDenial(caller.status());
    HttpResponse response = handler(request, *caller);
    // What a key may read differs from key to key: no shared caches.
    if (gate.enforcing()) {
      for (auto& [name, value] : response.headers) {
        if (name == "Cache-Control") value = absl::StrReplaceAll(value, {{"public", "private"}});
      }
    }
    return response;
  };
}

}  // namespace newswire
