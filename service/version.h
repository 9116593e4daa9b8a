// The version of newswire, as the file VERSION at the top of the source
// tree states it (CMake's project version): what `newswire --version`
// prints and newswire.__version__ is.
#ifndef NEWSWIRE_SERVICE_VERSION_H_
#define NEWSWIRE_SERVICE_VERSION_H_

#include "absl/strings/string_view.h"

namespace newswire {

// "0.1.0".
absl::string_view NewswireVersion();

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_VERSION_H_
