// The policy: whether a principal may do something to an article or read
// through a filter. The one place these rules live; it knows no transport
// (the gRPC edge, the HTTP edge and the Wire only ask it).
//
// Denials are PERMISSION_DENIED naming the missing scope or value.
#ifndef NEWSWIRE_CORE_POLICY_POLICY_H_
#define NEWSWIRE_CORE_POLICY_POLICY_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/model/article.h"
#include "core/policy/principal.h"
#include "newswire/v1/access.pb.h"
#include "newswire/v1/feed.pb.h"

namespace newswire {

// How `principal` is named in messages: `key "ap-desk" (id k3…)`.
std::string Describe(const Principal& principal);

// OK when `principal` has `scope`; PERMISSION_DENIED naming it otherwise.
absl::Status RequireScope(const Principal& principal, v1::Scope scope);

// Whether `principal` may publish `article` (normalized), given the current
// stored version of its id (nullptr for a new id): it needs the publish
// scope and, with a source limit, the article's source and the stored
// story's source among its sources (so a kill or an update of another
// source's story is refused).
absl::Status AuthorizePublish(const Principal& principal, const Article& article,
                              const Article* current);

// The filter a subscription or search by `principal` runs with: `requested`
// narrowed to the principal's entitlements, field by field. An entitled
// field the request leaves empty is added; where both give values, only
// the request's values within the entitlement stay (languages: the
// narrower tag of each related pair; entities and sources: the same name
// or code, ASCII case-blind); none left is PERMISSION_DENIED naming the
// field. min_urgency takes the stricter threshold, exclude_duplicates
// either. A principal without entitlement filter gets `requested` as is.
absl::StatusOr<v1::Filter> EntitledFilter(const Principal& principal,
                                          const v1::Filter& requested);

// Whether `principal` may read `article` (GetArticle): PERMISSION_DENIED
// naming the first entitlement it falls outside of.
absl::Status AuthorizeRead(const Principal& principal, const Article& article);

// Checks the entitlements of a new key: known scopes (at least one), a
// valid filter without `query` or `sources` (sources go in
// Entitlements.sources), sources of at most kMaxFilterValueBytes.
// INVALID_ARGUMENT names the field.
absl::Status ValidateEntitlements(const v1::Entitlements& entitlements);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_POLICY_POLICY_H_
