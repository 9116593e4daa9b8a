// API key secrets: how they are made, recognised and stored.
//
// A secret reads "nw_<id>_<body><check>": the key's public id (10 lowercase
// base32 characters), 256 random bits in 43 base62 characters, and a 6
// character base62 checksum (the first 32 bits of the SHA-256 of all that
// comes before it). The prefix makes a leaked secret easy to find (in a
// repository, a log); the checksum tells a mistyped or truncated secret
// apart from one that was revoked, without a lookup.
//
// Only a keyed hash of a secret is stored: HMAC-SHA-256 with the server's
// pepper, a random value kept outside the archive. Secrets are random, so
// the hash cannot be reversed; the pepper means a copy of the archive alone
// does not even let one check a guessed secret.
#ifndef NEWSWIRE_CORE_POLICY_API_KEY_H_
#define NEWSWIRE_CORE_POLICY_API_KEY_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace newswire {

inline constexpr absl::string_view kApiKeyPrefix = "nw_";
inline constexpr size_t kApiKeyIdLength = 10;
// Bytes of a pepper and of a digest.
inline constexpr size_t kPepperBytes = 32;
inline constexpr size_t kKeyDigestBytes = 32;

struct NewSecret {
  std::string id;
  std::string secret;
};

// A fresh key id and its secret, from the operating system's random source.
NewSecret GenerateSecret();

// The key id in `secret`, after checking its form and checksum. Returns
// UNAUTHENTICATED saying what is wrong: not a newswire key, or a checksum
// that does not match (mistyped or truncated). Never echoes the secret.
absl::StatusOr<std::string> SecretKeyId(absl::string_view secret);

// A fresh random pepper (kPepperBytes bytes).
std::string GeneratePepper();

// The digest stored for `secret`: HMAC-SHA-256 keyed with `pepper`.
std::string KeyDigest(absl::string_view pepper, absl::string_view secret);

// Compares two digests in time independent of where they differ.
bool DigestsEqual(absl::string_view a, absl::string_view b);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_POLICY_API_KEY_H_
