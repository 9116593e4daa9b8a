#include "core/model/sha256.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "absl/strings/escaping.h"
#include "openssl/evp.h"
#include "openssl/hmac.h"

namespace newswire {
namespace {

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "newswire: OpenSSL %s\n", what);
  std::abort();
}

// Fetched once: an explicit fetch spares each digest OpenSSL 3's provider
// lookup. Failure means libcrypto itself is broken, which nothing survives.
const EVP_MD* Algorithm() {
  static const EVP_MD* const algorithm = [] {
    EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (md == nullptr) Die("has no SHA256");
    return md;
  }();
  return algorithm;
}

struct ContextDeleter {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};

// A context a digest of this thread finished with, for the next one: every
// publish fingerprints its article, and this spares it an allocation.
thread_local std::unique_ptr<EVP_MD_CTX, ContextDeleter> spare_context;

}  // namespace

void Sha256::FreeContext::operator()(EVP_MD_CTX* context) const {
  if (spare_context == nullptr) {
    spare_context.reset(context);  // Initialized again by the next Sha256.
  } else {
    EVP_MD_CTX_free(context);
  }
}

Sha256::Sha256()
    : context_(spare_context != nullptr ? spare_context.release() : EVP_MD_CTX_new()) {
  if (context_ == nullptr || EVP_DigestInit_ex2(context_.get(), Algorithm(), nullptr) != 1) {
    Die("could not start a SHA256 digest");
  }
}

void Sha256::Update(absl::string_view data) {
  EVP_DigestUpdate(context_.get(), data.data(), data.size());
}

Sha256::Digest Sha256::Finish() {
  Digest digest;
  unsigned int size = 0;
  EVP_DigestFinal_ex(context_.get(), digest.data(), &size);
  return digest;
}

std::string Sha256Hex(absl::string_view data, size_t bytes) {
  Sha256 sha;
  sha.Update(data);
  const Sha256::Digest digest = sha.Finish();
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest.data()),
                                                  std::min(bytes, digest.size())));
}

std::string HmacSha256(absl::string_view key, absl::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out;
  unsigned int length = 0;
  HMAC(Algorithm(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &length);
  return std::string(reinterpret_cast<const char*>(out.data()), length);
}

}  // namespace newswire
