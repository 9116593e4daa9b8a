#include "service/call_credentials.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "service/tls.h"

namespace newswire {

Credentials CallCredentials(const grpc::ServerContextBase& context) {
  Credentials credentials;
  const auto& metadata = context.client_metadata();
  if (auto it = metadata.find(kAuthorizationHeader); it != metadata.end()) {
    absl::string_view value(it->second.data(), it->second.size());
    value = absl::StripAsciiWhitespace(value);
    // The scheme is case-blind (RFC 9110); any other scheme is passed on
    // whole and refused as not a newswire key.
    if (value.size() > 7 && absl::EqualsIgnoreCase(value.substr(0, 7), "bearer ")) {
      value = absl::StripLeadingAsciiWhitespace(value.substr(7));
    }
    credentials.secret = std::string(value);
  } else if (auto key = metadata.find(kApiKeyHeader); key != metadata.end()) {
    credentials.secret = std::string(absl::StripAsciiWhitespace(
        absl::string_view(key->second.data(), key->second.size())));
  }
  if (std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
      auth != nullptr) {
    credentials.certificate = CertificatePrincipal(*auth);
  }
  credentials.peer = context.peer();
  return credentials;
}

}  // namespace newswire
