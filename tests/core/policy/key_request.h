// A CreateKeyRequest for tests: a principal, its scopes and sources.
#ifndef NEWSWIRE_TESTS_CORE_POLICY_KEY_REQUEST_H_
#define NEWSWIRE_TESTS_CORE_POLICY_KEY_REQUEST_H_

#include <string>
#include <vector>

#include "newswire/v1/access.pb.h"

namespace newswire {

inline v1::CreateKeyRequest KeyRequest(const std::string& name,
                                       std::vector<v1::Scope> scopes,
                                       std::vector<std::string> sources = {}) {
  v1::CreateKeyRequest request;
  request.set_name(name);
  for (v1::Scope s : scopes) request.mutable_entitlements()->add_scopes(s);
  for (const std::string& s : sources) request.mutable_entitlements()->add_sources(s);
  return request;
}

}  // namespace newswire

#endif  // NEWSWIRE_TESTS_CORE_POLICY_KEY_REQUEST_H_
