// SHA-256 (FIPS 180-4), for content fingerprints that must be identical on
// every run and machine (absl::Hash is deliberately not).
#ifndef NEWSWIRE_CORE_SHA256_H_
#define NEWSWIRE_CORE_SHA256_H_

#include <array>
#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"

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
  void Compress(const uint8_t* block);

  std::array<uint32_t, 8> state_;
  std::array<uint8_t, 64> buffer_;
  size_t buffered_ = 0;
  uint64_t length_bytes_ = 0;
};

}  // namespace newswire

#endif  // NEWSWIRE_CORE_SHA256_H_
