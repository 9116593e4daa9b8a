// User input quoted in an error message. A status message goes back to the
// caller in a header (gRPC's grpc-message, HTTP/2 frames of limited size)
// and into logs: it names the bad value without carrying much of it back.
#ifndef NEWSWIRE_CORE_BASE_QUOTE_INPUT_H_
#define NEWSWIRE_CORE_BASE_QUOTE_INPUT_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace newswire {

// Bytes of a value QuoteInput keeps at most.
inline constexpr size_t kMaxQuotedInputBytes = 64;

// `value` in double quotes, cut after kMaxQuotedInputBytes (at a UTF-8
// character boundary) with "…" after the closing quote when cut; control
// characters, '"', '\'' and '\\' are escaped as in C ("\n", "\x01"), other
// bytes, UTF-8 included, are kept. At most 4 * kMaxQuotedInputBytes + 5 bytes.
std::string QuoteInput(absl::string_view value);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_BASE_QUOTE_INPUT_H_
