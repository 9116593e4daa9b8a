// Server options for tests: loopback, a free port, the given archive (or
// memory when empty); and the archives every service test runs on.
#ifndef NEWSWIRE_TESTS_SERVICE_LOOPBACK_H_
#define NEWSWIRE_TESTS_SERVICE_LOOPBACK_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "service/server.h"
#include "tests/core/nats_servers.h"

namespace newswire {

inline ServerOptions LoopbackOptions(std::string data_dir = "") {
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.data_dir = std::move(data_dir);
  return options;
}

// The archives a service test runs on: none ("memory": in memory), a file
// ("sqlite"), and a replica of a JetStream log ("jetstream").
inline const auto kEveryStore = ::testing::Values("memory", "sqlite", "jetstream");

// Loopback options for archive `kind` with its files under `dir`; for
// "jetstream", starts a nats-server of its own into `nats`. nullopt when
// this machine has no nats-server: skip the test.
inline std::optional<ServerOptions> StoreOptions(const std::string& kind, const std::string& dir,
                                                 std::unique_ptr<NatsServers>& nats) {
  ServerOptions options = LoopbackOptions(kind == "memory" ? "" : dir);
  if (kind == "jetstream") {
    if (!NatsServers::Available()) return std::nullopt;
    nats = std::make_unique<NatsServers>(1, absl::StrCat(dir, "/nats"));
    EXPECT_TRUE(nats->ok()) << nats->log_file(0);
    options.log.servers = nats->urls();
  }
  return options;
}

}  // namespace newswire

#endif  // NEWSWIRE_TESTS_SERVICE_LOOPBACK_H_
