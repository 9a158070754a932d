// CircuitBreaker: the SPEC §7 state machine; see circuit_breaker.hpp for the contract.
#include "resilience/circuit_breaker.hpp"

#include <algorithm>
#include <optional>
#include <utility>

namespace phonebill::resilience {

std::string_view to_string(BreakerState state) {
  switch (state) {
    case BreakerState::kClosed:
      return "closed";
    case BreakerState::kOpen:
      return "open";
    case BreakerState::kHalfOpen:
      return "half_open";
  }
  return "closed";
}

int gauge_value(BreakerState state) {
  switch (state) {
    case BreakerState::kClosed:
      return 0;
    case BreakerState::kOpen:
      return 1;
    case BreakerState::kHalfOpen:
      return 2;
  }
  return 0;
}

CircuitBreakerOptions CircuitBreakerOptions::from_environment(const Environment& environment,
                                                              const std::string& prefix,
                                                              CircuitBreakerOptions defaults) {
  CircuitBreakerOptions options = defaults;
  options.failure_threshold =
      int(environment.integer(prefix + "_FAILURE_THRESHOLD", defaults.failure_threshold, 1, 1000));
  options.open_duration = environment.milliseconds(prefix + "_OPEN_MS", defaults.open_duration);
  options.half_open_trials =
      int(environment.integer(prefix + "_HALF_OPEN_TRIALS", defaults.half_open_trials, 1, 1000));
  return options;
}

// --- Permit -----------------------------------------------------------------------------

CircuitBreaker::Permit::Permit(Permit&& other) noexcept
    : breaker_(std::exchange(other.breaker_, nullptr)),
      generation_(other.generation_),
      trial_(other.trial_),
      retry_after_(other.retry_after_) {}

CircuitBreaker::Permit& CircuitBreaker::Permit::operator=(Permit&& other) noexcept {
  if (this != &other) {
    if (breaker_ != nullptr) breaker_->finish(generation_, trial_, Outcome::kAbandoned);
    breaker_ = std::exchange(other.breaker_, nullptr);
    generation_ = other.generation_;
    trial_ = other.trial_;
    retry_after_ = other.retry_after_;
  }
  return *this;
}

CircuitBreaker::Permit::~Permit() {
  if (breaker_ != nullptr) breaker_->finish(generation_, trial_, Outcome::kAbandoned);
}

void CircuitBreaker::Permit::succeed() {
  if (auto* breaker = std::exchange(breaker_, nullptr))
    breaker->finish(generation_, trial_, Outcome::kSuccess);
}

void CircuitBreaker::Permit::fail() {
  if (auto* breaker = std::exchange(breaker_, nullptr))
    breaker->finish(generation_, trial_, Outcome::kFailure);
}

// --- CircuitBreaker -------------------------------------------------------------------

namespace {
CircuitBreakerOptions sanitized(CircuitBreakerOptions options) {
  options.failure_threshold = std::max(options.failure_threshold, 1);
  options.half_open_trials = std::max(options.half_open_trials, 1);
  return options;
}
}  // namespace

CircuitBreaker::CircuitBreaker(std::string name, CircuitBreakerOptions options, const Clock& clock,
                               BreakerListener listener)
    : name_(std::move(name)),
      options_(sanitized(options)),
      clock_(clock),
      listener_(std::move(listener)) {}

BreakerTransition CircuitBreaker::move_to(BreakerState to, SystemTime at, SteadyTime now,
                                          int failures) {
  BreakerTransition transition{name_, state_, to, at, failures};
  state_ = to;
  ++generation_;
  ++counters_.transitions;
  trials_admitted_ = 0;
  trial_successes_ = 0;
  if (to == BreakerState::kOpen) opened_at_ = now;
  if (to != BreakerState::kOpen) consecutive_failures_ = 0;
  return transition;
}

void CircuitBreaker::notify(const BreakerTransition* transition) {
  if (transition != nullptr && listener_) listener_(*transition);
}

CircuitBreaker::Permit CircuitBreaker::try_acquire() {
  Permit permit;
  std::optional<BreakerTransition> transition;
  {
    std::lock_guard lock{mutex_};
    auto now = clock_.steady_now();
    if (state_ == BreakerState::kOpen) {
      auto reopens = opened_at_ + options_.open_duration;
      if (now < reopens) {
        ++counters_.rejected;
        auto wait = std::chrono::ceil<std::chrono::milliseconds>(reopens - now);
        permit.retry_after_ = std::max(wait, std::chrono::milliseconds{1});
        return permit;
      }
      transition = move_to(BreakerState::kHalfOpen, clock_.now(), now, 0);
    }
    if (state_ == BreakerState::kHalfOpen) {
      if (trials_admitted_ >= options_.half_open_trials) {
        ++counters_.rejected;
        // The trials decide soon; a client may try again in a second.
        permit.retry_after_ = std::chrono::milliseconds{1000};
      } else {
        ++trials_admitted_;
        permit.breaker_ = this;
        permit.trial_ = true;
        permit.generation_ = generation_;
      }
    } else {
      permit.breaker_ = this;
      permit.generation_ = generation_;
    }
  }
  notify(transition ? &*transition : nullptr);
  return permit;
}

void CircuitBreaker::finish(std::uint64_t generation, bool trial, Outcome outcome) {
  std::optional<BreakerTransition> transition;
  {
    std::lock_guard lock{mutex_};
    if (outcome == Outcome::kSuccess) ++counters_.successes;
    if (outcome == Outcome::kFailure) ++counters_.failures;
    // A call admitted before the last transition says nothing about the new state.
    if (generation != generation_) return;
    auto now = clock_.steady_now();
    auto at = clock_.now();
    if (state_ == BreakerState::kClosed) {
      if (outcome == Outcome::kSuccess) consecutive_failures_ = 0;
      if (outcome == Outcome::kFailure && ++consecutive_failures_ >= options_.failure_threshold) {
        transition = move_to(BreakerState::kOpen, at, now, consecutive_failures_);
      }
    } else if (state_ == BreakerState::kHalfOpen && trial) {
      if (outcome == Outcome::kAbandoned) {
        --trials_admitted_;
      } else if (outcome == Outcome::kFailure) {
        transition = move_to(BreakerState::kOpen, at, now, 1);
      } else if (++trial_successes_ >= options_.half_open_trials) {
        transition = move_to(BreakerState::kClosed, at, now, 0);
      }
    }
  }
  notify(transition ? &*transition : nullptr);
}

BreakerState CircuitBreaker::state() const {
  std::lock_guard lock{mutex_};
  if (state_ == BreakerState::kOpen && clock_.steady_now() >= opened_at_ + options_.open_duration)
    return BreakerState::kHalfOpen;
  return state_;
}

BreakerCounters CircuitBreaker::counters() const {
  std::lock_guard lock{mutex_};
  return counters_;
}

}  // namespace phonebill::resilience
