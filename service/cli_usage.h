// What the `newswire` command line says about its commands: the whole
// usage (`newswire --help`), one command's (`newswire COMMAND --help`), and
// the reminder after a usage error. One table of commands feeds all three.
#ifndef NEWSWIRE_SERVICE_CLI_USAGE_H_
#define NEWSWIRE_SERVICE_CLI_USAGE_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace newswire {

// Every command with its synopsis and what it does, then the notes on
// CLIENT, FILTER and DATE. Ends in a newline.
std::string FullUsage();

// `command`'s usage: "usage: newswire COMMAND SYNOPSIS", what it does, and
// the notes on CLIENT, FILTER or DATE when its synopsis has them. Ends in a
// newline. nullopt for a command that does not exist.
std::optional<std::string> CommandUsage(absl::string_view command);

// After a usage error in `command`: its synopsis ("usage: newswire tail
// [CLIENT] ...") and "see newswire tail --help". Ends in a newline. For a
// command that does not exist, the list of commands and "see newswire
// --help".
std::string UsageReminder(absl::string_view command);

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_CLI_USAGE_H_
