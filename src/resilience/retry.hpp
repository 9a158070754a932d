// Retry with jittered exponential backoff (SPEC §7: at most 2 retries, only for failures
// the caller marks retryable, within the deadline). The policy is pure (injected Random
// for the jitter); run_with_retry drives any coroutine with an injected pause, so tests
// run it on a fake sleeper and a manual clock. Entry points: RetryPolicy::delay_before,
// run_with_retry.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>

#include "core/config.hpp"
#include "core/deadline.hpp"
#include "core/random.hpp"

namespace phonebill::resilience {

struct RetryPolicy {
  int max_retries = 2;                         // attempts = 1 + max_retries
  std::chrono::milliseconds base_delay{100};   // before the first retry, before jitter
  std::chrono::milliseconds max_delay{1'000};  // cap of the exponential growth
  double jitter = 0.5;                         // delay drawn from [d·(1-jitter), d]
  // A retry starts only if this much time is left after its pause.
  std::chrono::milliseconds minimum_attempt_time{50};

  // The pause before retry number `retry` (1-based): base·2^(retry-1), capped, scaled by
  // a draw from [1 - jitter, 1]. Never negative.
  std::chrono::milliseconds delay_before(int retry, Random& random) const;

  // <prefix>_MAX_RETRIES, <prefix>_BASE_DELAY_MS, <prefix>_MAX_DELAY_MS,
  // <prefix>_MINIMUM_ATTEMPT_MS. Throws ConfigError.
  static RetryPolicy from_environment(const Environment& environment, const std::string& prefix,
                                      RetryPolicy defaults);
};

// How one attempt went, as the caller judges it.
enum class AttemptVerdict {
  kDone,       // success, or a failure that a retry cannot fix: return it
  kRetryable,  // transport error, system error: another attempt may succeed
};

using Pause = std::function<boost::asio::awaitable<void>(std::chrono::milliseconds)>;
using SteadyNow = std::function<Deadline()>;

// Runs `attempt(number)` (number from 1) until `judge(result)` says kDone, the retries
// are used up, or the next pause plus minimum_attempt_time would pass `deadline`; returns
// the last result. `pause` waits between attempts; `now` reads the steady clock (tests
// inject both). T must be movable.
template <typename T, typename Attempt, typename Judge>
boost::asio::awaitable<T> run_with_retry(const RetryPolicy& policy, Random& random,
                                         Deadline deadline, Attempt attempt, Judge judge,
                                         Pause pause, SteadyNow now) {
  for (int number = 1;; ++number) {
    T result = co_await attempt(number);
    if (judge(result) == AttemptVerdict::kDone || number > policy.max_retries) co_return result;
    auto delay = policy.delay_before(number, random);
    if (!fits(deadline, delay + policy.minimum_attempt_time, now())) co_return result;
    co_await pause(delay);
  }
}

}  // namespace phonebill::resilience
