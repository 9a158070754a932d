// A circuit breaker (SPEC §7) for any remote call: closed → open after N consecutive
// failures; open fails fast for a period; then half-open admits at most M trial calls;
// M successes close it, any trial failure re-opens it. Time comes from an injected
// Clock; every transition goes to a listener (logs, metrics). Thread-safe. Entry points:
// CircuitBreaker::try_acquire, Permit::succeed / Permit::fail.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/light_mutex.hpp"

namespace phonebill::resilience {

enum class BreakerState { kClosed, kOpen, kHalfOpen };

// "closed", "open", "half_open" (logs, metric labels).
std::string_view to_string(BreakerState state);
// 0 closed, 1 open, 2 half-open: the value of a state gauge.
int gauge_value(BreakerState state);

struct CircuitBreakerOptions {
  int failure_threshold = 5;  // consecutive failures that open it
  std::chrono::milliseconds open_duration{30'000};
  int half_open_trials = 3;  // trial calls admitted, and successes to close

  // <prefix>_FAILURE_THRESHOLD, <prefix>_OPEN_MS, <prefix>_HALF_OPEN_TRIALS (e.g. prefix
  // PHONEBILL_KOS_BREAKER). Unset variables keep `defaults`. Throws ConfigError.
  static CircuitBreakerOptions from_environment(const Environment& environment,
                                                const std::string& prefix,
                                                CircuitBreakerOptions defaults);
};

struct BreakerTransition {
  std::string_view name;  // the breaker's name
  BreakerState from;
  BreakerState to;
  SystemTime at;             // wall time, for logs and the operations page
  int consecutive_failures;  // that led to it (0 unless it opened)
};

using BreakerListener = std::function<void(const BreakerTransition&)>;

// Counts since construction (metrics, tests).
struct BreakerCounters {
  std::uint64_t successes = 0;
  std::uint64_t failures = 0;
  std::uint64_t rejected = 0;  // fast failures while open or half-open and full
  std::uint64_t transitions = 0;
};

class CircuitBreaker {
 public:
  // Admission to one call. Report its outcome with succeed() or fail(); a permit
  // dropped without either (caller cancelled, outcome says nothing about the remote)
  // only gives its half-open trial slot back. Move-only.
  class Permit {
   public:
    Permit() = default;
    Permit(Permit&& other) noexcept;
    Permit& operator=(Permit&& other) noexcept;
    Permit(const Permit&) = delete;
    Permit& operator=(const Permit&) = delete;
    ~Permit();

    bool admitted() const { return breaker_ != nullptr; }
    explicit operator bool() const { return admitted(); }
    // Rejected permits: how long until the breaker may admit again (>= 1 ms).
    std::chrono::milliseconds retry_after() const { return retry_after_; }

    void succeed();
    void fail();

   private:
    friend class CircuitBreaker;
    CircuitBreaker* breaker_ = nullptr;
    std::uint64_t generation_ = 0;
    bool trial_ = false;
    std::chrono::milliseconds retry_after_{0};
  };

  // `clock` must outlive the breaker. The listener runs on the thread that caused the
  // transition, after the breaker's lock is released.
  CircuitBreaker(std::string name, CircuitBreakerOptions options, const Clock& clock,
                 BreakerListener listener = {});
  CircuitBreaker(const CircuitBreaker&) = delete;
  CircuitBreaker& operator=(const CircuitBreaker&) = delete;

  // Admits the call (closed; half-open with a free trial slot; open whose period has
  // passed, which turns half-open) or rejects it at once with retry_after.
  Permit try_acquire();

  // The state now (an open breaker whose period has passed reads as half-open).
  BreakerState state() const;
  const std::string& name() const { return name_; }
  const CircuitBreakerOptions& options() const { return options_; }
  BreakerCounters counters() const;

 private:
  enum class Outcome { kSuccess, kFailure, kAbandoned };
  void finish(std::uint64_t generation, bool trial, Outcome outcome);
  // Under the lock: moves to `to` (at wall time `at`, steady time `now`), returns the
  // transition for the listener.
  BreakerTransition move_to(BreakerState to, SystemTime at, SteadyTime now, int failures);
  void notify(const BreakerTransition* transition);

  const std::string name_;
  const CircuitBreakerOptions options_;
  const Clock& clock_;
  BreakerListener listener_;
  mutable LightMutex mutex_;
  BreakerState state_ = BreakerState::kClosed;
  std::uint64_t generation_ = 0;  // bumped on every transition: stale outcomes are ignored
  int consecutive_failures_ = 0;
  SteadyTime opened_at_{};  // steady: an NTP step must not stretch or cut the open window
  int trials_admitted_ = 0;
  int trial_successes_ = 0;
  BreakerCounters counters_;
};

}  // namespace phonebill::resilience
