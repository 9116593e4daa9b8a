// The publisher side of the fanout driver protocol (bench/fanout/run.py).
//
// A contender's publisher reads commands from stdin, one a line:
//   publish COUNT RATE BATCH
// publishes COUNT events at RATE events/s (0: as fast as it can) and
// answers "published FIRST_NS LAST_NS" (CLOCK_MONOTONIC ns of the first
// and last send) once the last one is handed over. BATCH is the mean number
// of events per message for a contender that batches by instruction (the
// bare gRPC server); others ignore it. "quit" or end of input returns.
#ifndef NEWSWIRE_BENCH_FANOUT_PUBLISHER_H_
#define NEWSWIRE_BENCH_FANOUT_PUBLISHER_H_

#include <cstdint>
#include <functional>

#include "absl/status/status.h"

namespace newswire::bench {

struct PublishCommand {
  int64_t count = 0;
  double rate = 0;   // Events per second; 0 is as fast as possible.
  double batch = 1;  // Mean events per message, where it applies.
  uint64_t run = 0;  // Numbers the commands, 1, 2, ...: keeps ids apart.
};

struct PublishTimes {
  int64_t first_ns = 0;
  int64_t last_ns = 0;
};

// Spaces sends `1 / rate` apart on an absolute schedule from the first one,
// so a late send does not push back the others.
class Pacer {
 public:
  explicit Pacer(double rate) : rate_(rate) {}
  // Sleeps until event `i` is due (not at all when rate is 0) and returns
  // the time, CLOCK_MONOTONIC ns. REQUIRES: called with i = 0 first.
  int64_t Wait(int64_t i);

 private:
  const double rate_;
  int64_t start_ns_ = 0;
};

// Runs `publish` for every command on stdin, as described above. Returns
// the process exit code: 0 at end of input, 1 after a failed publish (its
// message on stderr), 2 for a malformed command.
int ServePublishCommands(
    const std::function<absl::Status(const PublishCommand&, PublishTimes&)>& publish);

}  // namespace newswire::bench

#endif  // NEWSWIRE_BENCH_FANOUT_PUBLISHER_H_
