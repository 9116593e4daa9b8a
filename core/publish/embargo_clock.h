// Releases embargoed articles on time: a thread that sleeps until the
// Store's next embargo end (or until an earlier one is held), then has the
// Wire publish what is due. Held articles live in the Store, so a restart
// picks them up (and releases at once those whose time passed meanwhile).
#ifndef NEWSWIRE_CORE_PUBLISH_EMBARGO_CLOCK_H_
#define NEWSWIRE_CORE_PUBLISH_EMBARGO_CLOCK_H_

#include <cstdint>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "core/store/store.h"
#include "core/publish/wire.h"

namespace newswire {

class EmbargoClock {
 public:
  // Starts releasing through `wire` what `store` holds, and hooks into
  // `wire` to hear of newly held articles. REQUIRES: both outlive the
  // clock, `wire` publishes into `store`, and nothing publishes yet.
  EmbargoClock(Wire* wire, const Store* store);
  EmbargoClock(const EmbargoClock&) = delete;
  EmbargoClock& operator=(const EmbargoClock&) = delete;
  // Stops the thread; articles still held stay held in the Store.
  ~EmbargoClock();

  // An article was held: look again, its embargo may end sooner. The Wire
  // calls it for what it publishes; a replica's apply (JetStreamStore) for
  // what other replicas published.
  void Held();

 private:
  void Run();

  Wire* const wire_;
  const Store* const store_;
  absl::Mutex mu_;
  // Articles held so far: a change wakes the thread to look again.
  uint64_t holds_ ABSL_GUARDED_BY(mu_) = 0;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace newswire

#endif  // NEWSWIRE_CORE_PUBLISH_EMBARGO_CLOCK_H_
