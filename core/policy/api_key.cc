#include "core/policy/api_key.h"

#include <openssl/crypto.h>

#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/base/random.h"
#include "core/model/sha256.h"

namespace newswire {
namespace {

constexpr size_t kBodyBytes = 32;
constexpr size_t kBodyChars = 43;  // 62^43 > 2^256.
constexpr size_t kCheckChars = 6;  // 62^6 > 2^32.
constexpr absl::string_view kBase62 =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr absl::string_view kBase32 = "abcdefghijklmnopqrstuvwxyz234567";

// `bytes` as a big-endian number in base 62, left-padded to `width` digits.
std::string Base62(absl::string_view bytes, size_t width) {
  std::string number(bytes);
  std::string digits;
  // Repeated division of the whole number by 62; the numbers are short.
  while (digits.size() < width) {
    uint32_t remainder = 0;
    for (char& c : number) {
      const uint32_t value = (remainder << 8) | static_cast<uint8_t>(c);
      c = static_cast<char>(value / 62);
      remainder = value % 62;
    }
    digits.push_back(kBase62[remainder]);
  }
  return std::string(digits.rbegin(), digits.rend());
}

// The checksum of everything in a secret before it.
std::string Checksum(absl::string_view head) {
  const Sha256::Digest digest = [&] {
    Sha256 sha;
    sha.Update(head);
    return sha.Finish();
  }();
  return Base62(absl::string_view(reinterpret_cast<const char*>(digest.data()), 4),
                kCheckChars);
}

bool AllOf(absl::string_view text, absl::string_view alphabet) {
  for (char c : text) {
    if (alphabet.find(c) == absl::string_view::npos) return false;
  }
  return true;
}

}  // namespace

NewSecret GenerateSecret() {
  const std::string id_bytes = RandomBytes(kApiKeyIdLength);
  NewSecret made;
  for (char c : id_bytes) made.id.push_back(kBase32[static_cast<uint8_t>(c) % 32]);
  const std::string head = absl::StrCat(kApiKeyPrefix, made.id, "_",
                                        Base62(RandomBytes(kBodyBytes), kBodyChars));
  made.secret = absl::StrCat(head, Checksum(head));
  return made;
}

absl::StatusOr<std::string> SecretKeyId(absl::string_view secret) {
  constexpr size_t kLength =
      kApiKeyPrefix.size() + kApiKeyIdLength + 1 + kBodyChars + kCheckChars;
  if (!absl::StartsWith(secret, kApiKeyPrefix)) {
    return absl::UnauthenticatedError(
        "not a newswire API key (a key starts with \"nw_\"; create one with "
        "`newswire keys create`)");
  }
  const absl::string_view id = secret.substr(kApiKeyPrefix.size(), kApiKeyIdLength);
  if (secret.size() != kLength || !AllOf(id, kBase32) ||
      secret[kApiKeyPrefix.size() + kApiKeyIdLength] != '_' ||
      !AllOf(secret.substr(kLength - kBodyChars - kCheckChars), kBase62)) {
    return absl::UnauthenticatedError(
        absl::StrCat("malformed API key: a newswire key is ", kLength,
                     " characters \"nw_<id>_<secret>\" (got ", secret.size(),
                     "; truncated or mistyped?)"));
  }
  const absl::string_view head = secret.substr(0, kLength - kCheckChars);
  const std::string expected = Checksum(head);
  if (!DigestsEqual(expected, secret.substr(kLength - kCheckChars))) {
    return absl::UnauthenticatedError(absl::StrCat(
        "API key ", id, " does not pass its checksum: mistyped or truncated"));
  }
  return std::string(id);
}

std::string GeneratePepper() { return RandomBytes(kPepperBytes); }

std::string KeyDigest(absl::string_view pepper, absl::string_view secret) {
  return HmacSha256(pepper, secret);
}

bool DigestsEqual(absl::string_view a, absl::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace newswire
