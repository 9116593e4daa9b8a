#include "service/stop_signals.h"

#include <pthread.h>

#include <ctime>
#include <utility>

namespace newswire {

StopSignals::StopSignals() {
  sigemptyset(&signals_);
  sigaddset(&signals_, SIGINT);
  sigaddset(&signals_, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals_, &previous_mask_);
}

StopSignals::~StopSignals() {
  stopping_ = true;
  if (watcher_.joinable()) watcher_.join();
  pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
}

int StopSignals::Wait() {
  int signal = 0;
  while (sigwait(&signals_, &signal) != 0) {
  }
  received_ = signal;
  return signal;
}

void StopSignals::Watch(std::function<void(int)> on_stop) {
  watcher_ = std::thread([this, on_stop = std::move(on_stop)] {
    // A pending signal is taken by whichever thread waits for it; poll so
    // that the destructor can end this thread when no signal comes.
    const timespec tick = {0, 100 * 1000 * 1000};
    while (!stopping_) {
      const int signal = sigtimedwait(&signals_, nullptr, &tick);
      if (signal == SIGINT || signal == SIGTERM) {
        received_ = signal;
        on_stop(signal);
        return;
      }
    }
  });
}

const char* StopSignalName(int signal) {
  switch (signal) {
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    default:
      return "signal";
  }
}

}  // namespace newswire
