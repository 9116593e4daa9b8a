// SHA-256 (FIPS 180-4), for content fingerprints that must be identical on
// every run and machine (absl::Hash is deliberately not). Computed by
// OpenSSL's libcrypto, which uses the CPU's SHA extensions where present:
// every publish fingerprints its article, so this is on the hot path.
#ifndef NEWSWIRE_CORE_MODEL_SHA256_H_
#define NEWSWIRE_CORE_MODEL_SHA256_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"

typedef struct evp_md_ctx_st EVP_MD_CTX;

namespace newswire {

// Incremental SHA-256. Feed bytes with Update, then call Finish once.
class Sha256 {
 public:
  using Digest = std::array<uint8_t, 32>;

  Sha256();

  // Appends `data` to the message. REQUIRES: Finish has not been called.
  void Update(absl::string_view data);

  // Returns the digest of everything passed to Update.
  // REQUIRES: called at most once.
  Digest Finish();

 private:
  struct FreeContext {
    void operator()(EVP_MD_CTX* context) const;
  };
  std::unique_ptr<EVP_MD_CTX, FreeContext> context_;
};

// The lowercase hex of the first `bytes` bytes (at most 32) of the SHA-256
// of `data`.
std::string Sha256Hex(absl::string_view data, size_t bytes = 32);

// HMAC-SHA-256 (RFC 2104) of `data` keyed with `key`: the 32 raw bytes.
std::string HmacSha256(absl::string_view key, absl::string_view data);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_MODEL_SHA256_H_
