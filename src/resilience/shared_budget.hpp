// The fleet-wide KOS budget rule (SPEC §7): a shared counter (Redis in production,
// cache/redis_budget_counter.hpp) admits at most N calls per second for a name across
// every instance. take_budget asks it; over budget, the caller waits for the next window
// when that still leaves time for the call before its deadline, else it is refused; a
// counter that cannot answer (Redis down or slow) admits the call unchecked — the local
// bulkhead alone then protects KOS, and Redis never fails a request. Time is injected
// (Pause, SteadyNow), so tests run it on a manual clock. Entry points: BudgetCounter,
// take_budget.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>
#include <string_view>

#include "core/deadline.hpp"
#include "resilience/retry.hpp"

namespace phonebill::resilience {

// What the shared counter said about one call.
struct BudgetAnswer {
  enum class Kind {
    kGranted,      // within this window's budget
    kExhausted,    // over budget: the next window opens in retry_in
    kUnavailable,  // the counter did not answer in time (or is down)
  };
  Kind kind = Kind::kGranted;
  std::chrono::milliseconds retry_in{0};
};

class BudgetCounter {
 public:
  virtual ~BudgetCounter() = default;
  // Counts one call against `name`'s budget of `per_second` calls in the current window.
  // Never throws for what networks do: an unreachable store is kUnavailable.
  virtual boost::asio::awaitable<BudgetAnswer> take(std::string name, int per_second) = 0;
};

// How a call got through the budget.
enum class BudgetVerdict {
  kGranted,    // at once
  kWaited,     // after waiting for one or more later windows
  kRefused,    // the budget had no room before the deadline: not sent
  kUnchecked,  // the counter did not answer: sent on the local bulkhead's word alone
};
std::string_view to_string(BudgetVerdict verdict);  // granted, waited, refused, unchecked
inline bool admitted(BudgetVerdict verdict) { return verdict != BudgetVerdict::kRefused; }

// Takes one call from `name`'s budget of `per_second`. Over budget it pauses until the
// next window and asks again while retry_in + `minimum_call_time` still fit before
// `deadline`; otherwise kRefused.
boost::asio::awaitable<BudgetVerdict> take_budget(BudgetCounter& counter, std::string name,
                                                  int per_second, Deadline deadline,
                                                  std::chrono::milliseconds minimum_call_time,
                                                  const Pause& pause, const SteadyNow& now);

}  // namespace phonebill::resilience
