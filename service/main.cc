#include <iostream>
#include <string>
#include <vector>

#include "service/cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return newswire::RunCli(args, std::cout, std::cerr);
}
