// Server options for tests: loopback, a free port, the given archive (or
// memory when empty).
#ifndef NEWSWIRE_TESTS_SERVICE_LOOPBACK_H_
#define NEWSWIRE_TESTS_SERVICE_LOOPBACK_H_

#include <string>

#include "service/server.h"

namespace newswire {

inline ServerOptions LoopbackOptions(std::string data_dir = "") {
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.data_dir = std::move(data_dir);
  return options;
}

}  // namespace newswire

#endif  // NEWSWIRE_TESTS_SERVICE_LOOPBACK_H_
