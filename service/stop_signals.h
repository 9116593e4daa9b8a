// SIGINT and SIGTERM as requests to stop, for the CLI's long-running verbs.
#ifndef NEWSWIRE_SERVICE_STOP_SIGNALS_H_
#define NEWSWIRE_SERVICE_STOP_SIGNALS_H_

#include <signal.h>

#include <atomic>
#include <functional>
#include <thread>

namespace newswire {

// While alive, SIGINT and SIGTERM do not kill the process: they are blocked
// in the constructing thread and in every thread it starts from then on
// (construct it before gRPC starts its threads), and are received by Wait
// or Watch instead. The destructor stops the watcher and restores the
// thread's signal mask.
class StopSignals {
 public:
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // Blocks until SIGINT or SIGTERM arrives; returns which.
  int Wait();

  // Returns at once; `on_stop` is called with the signal, from another
  // thread, when the first SIGINT or SIGTERM arrives. Call at most once.
  void Watch(std::function<void(int)> on_stop);

  // The signal received so far (SIGINT or SIGTERM), 0 if none.
  int received() const { return received_.load(); }

 private:
  sigset_t signals_;
  sigset_t previous_mask_;
  std::atomic<int> received_{0};
  std::atomic<bool> stopping_{false};
  std::thread watcher_;
};

// "SIGINT", "SIGTERM", or "signal N".
const char* StopSignalName(int signal);

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_STOP_SIGNALS_H_
