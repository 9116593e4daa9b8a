#include "core/base/random.h"

#include <openssl/rand.h>

#include <cstdlib>
#include <iostream>

#include "absl/strings/escaping.h"

namespace newswire {

std::string RandomBytes(size_t n) {
  std::string bytes(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(n)) != 1) {
    std::cerr << "newswire: the system gave no random bytes\n";
    std::abort();
  }
  return bytes;
}

std::string RandomHex(size_t n) { return absl::BytesToHexString(RandomBytes(n)); }

}  // namespace newswire
