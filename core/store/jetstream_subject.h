// Where newswire's records live in the JetStream log: the subject of each
// article version and of each embargo release, and the message ids that
// make a retried publish idempotent.
//
// Subjects name an article by H, the base32 (RFC 4648, lowercase, no
// padding) of the SHA-256 of its id, because ids are URIs and may hold
// characters subjects forbid ('.', '*', '>', spaces). The raw id travels in
// a header of the message (kIdHeader).
#ifndef NEWSWIRE_CORE_STORE_JETSTREAM_SUBJECT_H_
#define NEWSWIRE_CORE_STORE_JETSTREAM_SUBJECT_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace newswire {

// Every subject of the stream starts with this; the stream takes "nw.>".
inline constexpr absl::string_view kSubjectRoot = "nw";

// The header that carries an article's id as given.
inline constexpr absl::string_view kIdHeader = "Newswire-Id";

// H: 52 characters of [a-z2-7].
std::string IdHash(absl::string_view id);

// "nw.a.<H>.<version>": the one message that stores this version.
std::string ArticleSubject(absl::string_view id, uint64_t version);

// "nw.r.<H>.<version>": the release of an embargoed version, stored once.
std::string ReleaseSubject(absl::string_view id, uint64_t version);

// "<H>:<version>:<content hash>": the publish's Msg-Id, so the same content
// published twice inside the stream's duplicate window is stored once.
std::string PublishMessageId(absl::string_view id, uint64_t version,
                             absl::string_view content_hash);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_STORE_JETSTREAM_SUBJECT_H_
