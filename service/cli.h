// The `newswire` command line: serve, publish, ingest, tail, get, search, parse.
#ifndef NEWSWIRE_SERVICE_CLI_H_
#define NEWSWIRE_SERVICE_CLI_H_

#include <ostream>
#include <string>
#include <vector>

namespace newswire {

// Runs one command; `args` excludes the program name. Results go to `out`,
// errors to `err`. Returns the process exit code: 0 on success, 1 when a
// command failed, 2 for a usage error (the problem, then the command's
// synopsis and "see newswire COMMAND --help"). `serve` runs until SIGINT or
// SIGTERM. `--help` or `-h` after a command (or `help COMMAND`) prints
// that command's usage to `out`; `--help` alone all of it, `--version` the
// version; each returns 0.
int RunCli(const std::vector<std::string>& args, std::ostream& out,
           std::ostream& err);

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_CLI_H_
