#include <iostream>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "service/cli.h"

int main(int argc, char** argv) {
  // Debian's abseil checks every lock order at run time (a graph of all
  // mutexes held together, ~3.5% of a busy server's CPU). The tests keep
  // the check; the shipped binary does not pay for it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  std::vector<std::string> args(argv + 1, argv + argc);
  return newswire::RunCli(args, std::cout, std::cerr);
}
