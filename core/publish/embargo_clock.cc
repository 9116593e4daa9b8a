#include "core/publish/embargo_clock.h"

#include "absl/time/clock.h"

namespace newswire {
namespace {

// How long to wait before asking the Store again after it failed.
constexpr absl::Duration kRetry = absl::Seconds(1);

}  // namespace

EmbargoClock::EmbargoClock(Wire* wire, const Store* store) : wire_(wire), store_(store) {
  wire_->set_on_hold([this] { Held(); });
  thread_ = std::thread([this] { Run(); });
}

EmbargoClock::~EmbargoClock() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  thread_.join();
  wire_->set_on_hold(nullptr);
}

void EmbargoClock::Held() {
  absl::MutexLock lock(&mu_);
  ++holds_;
}

void EmbargoClock::Run() {
  while (true) {
    uint64_t holds;
    {
      absl::MutexLock lock(&mu_);
      if (stop_) return;
      holds = holds_;
    }
    const absl::StatusOr<size_t> released = wire_->ReleaseDue();
    absl::StatusOr<std::optional<absl::Time>> next = store_->NextRelease();
    absl::MutexLock lock(&mu_);
    const absl::Time now = wire_->Now();
    // After a Store error, try again a little later rather than spin.
    const absl::Time until = !released.ok() || !next.ok()
                                 ? now + kRetry
                                 : next->value_or(absl::InfiniteFuture());
    // Sleep until the next embargo ends, another article is held (its
    // embargo may end sooner), or stop. The wait is in real time; the
    // Wire's clock says what is due.
    auto wake = [this, holds]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return stop_ || holds_ != holds;
    };
    if (until > now) mu_.AwaitWithTimeout(absl::Condition(&wake), until - now);
  }
}

}  // namespace newswire
