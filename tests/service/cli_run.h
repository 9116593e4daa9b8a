// Runs the CLI in-process, capturing what it prints.
#ifndef NEWSWIRE_TESTS_SERVICE_CLI_RUN_H_
#define NEWSWIRE_TESTS_SERVICE_CLI_RUN_H_

#include <sstream>
#include <string>
#include <vector>

#include "service/cli.h"

namespace newswire {

struct CliRun {
  int code;
  std::string out;
  std::string err;
};

inline CliRun Cli(std::vector<std::string> args) {
  std::ostringstream out, err;
  const int code = RunCli(args, out, err);
  return {code, out.str(), err.str()};
}

}  // namespace newswire

#endif  // NEWSWIRE_TESTS_SERVICE_CLI_RUN_H_
