// take_budget: ask, and over budget wait for the next window while the deadline allows
// (see shared_budget.hpp).
#include "resilience/shared_budget.hpp"

namespace phonebill::resilience {

std::string_view to_string(BudgetVerdict verdict) {
  switch (verdict) {
    case BudgetVerdict::kGranted:
      return "granted";
    case BudgetVerdict::kWaited:
      return "waited";
    case BudgetVerdict::kRefused:
      return "refused";
    case BudgetVerdict::kUnchecked:
      return "unchecked";
  }
  return "unknown";
}

boost::asio::awaitable<BudgetVerdict> take_budget(BudgetCounter& counter, std::string name,
                                                  int per_second, Deadline deadline,
                                                  std::chrono::milliseconds minimum_call_time,
                                                  const Pause& pause, const SteadyNow& now) {
  bool waited = false;
  for (;;) {
    auto answer = co_await counter.take(name, per_second);
    switch (answer.kind) {
      case BudgetAnswer::Kind::kGranted:
        co_return waited ? BudgetVerdict::kWaited : BudgetVerdict::kGranted;
      case BudgetAnswer::Kind::kUnavailable:
        co_return BudgetVerdict::kUnchecked;
      case BudgetAnswer::Kind::kExhausted:
        break;
    }
    // A window is at most a second: a counter answering more is not trusted further.
    auto wait =
        std::clamp(answer.retry_in, std::chrono::milliseconds{1}, std::chrono::milliseconds{1'000});
    if (!fits(deadline, wait + minimum_call_time, now())) co_return BudgetVerdict::kRefused;
    co_await pause(wait);
    waited = true;
  }
}

}  // namespace phonebill::resilience
