// Random bytes from the system's generator (OpenSSL's RAND_bytes over
// getrandom), for secrets, challenges and ids.
#ifndef NEWSWIRE_CORE_BASE_RANDOM_H_
#define NEWSWIRE_CORE_BASE_RANDOM_H_

#include <cstddef>
#include <string>

namespace newswire {

// `n` random bytes. Aborts the process if the generator fails, which does
// not happen on a working system: nothing can be made safely without it.
std::string RandomBytes(size_t n);

// `n` random bytes as 2 * `n` lowercase hex digits.
std::string RandomHex(size_t n);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_BASE_RANDOM_H_
