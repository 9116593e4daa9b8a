#include "service/version.h"

namespace newswire {

// NEWSWIRE_VERSION is defined for this file alone (service/CMakeLists.txt),
// so a new version recompiles nothing else.
absl::string_view NewswireVersion() { return NEWSWIRE_VERSION; }

}  // namespace newswire
