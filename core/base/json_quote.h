// A string as a JSON string literal (RFC 8259), for the JSON this project
// writes by hand (feeds, logs).
#ifndef NEWSWIRE_CORE_BASE_JSON_QUOTE_H_
#define NEWSWIRE_CORE_BASE_JSON_QUOTE_H_

#include <string>

#include "absl/strings/string_view.h"

namespace newswire {

// `text` in double quotes with '"', '\' and control characters escaped.
// Other bytes are copied: `text` should be UTF-8.
std::string JsonQuote(absl::string_view text);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_BASE_JSON_QUOTE_H_
