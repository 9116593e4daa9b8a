// The `newswire` command line: serve, publish, ingest, tail, get, search, parse.
#ifndef NEWSWIRE_SERVICE_CLI_H_
#define NEWSWIRE_SERVICE_CLI_H_

#include <ostream>
#include <string>
#include <vector>

namespace newswire {

// Runs one command; `args` excludes the program name. Results go to `out`,
// errors to `err`. Returns the process exit code: 0 on success, 1 when a
// command failed, 2 for a usage error. `serve` runs until SIGINT or SIGTERM.
int RunCli(const std::vector<std::string>& args, std::ostream& out,
           std::ostream& err);

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_CLI_H_
