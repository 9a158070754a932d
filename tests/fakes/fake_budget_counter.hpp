// An in-memory resilience::BudgetCounter for unit tests: fixed one-second windows on the
// given Clock's steady time (a ManualClock in tests), as the Redis script counts them, a
// switch to play an unreachable Redis, and a record of every call taken. Header-only.
#pragma once
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "resilience/shared_budget.hpp"

namespace phonebill::fakes {

class FakeBudgetCounter final : public resilience::BudgetCounter {
 public:
  explicit FakeBudgetCounter(const Clock& clock) : clock_(clock) {}

  boost::asio::awaitable<resilience::BudgetAnswer> take(std::string name, int per_second) override {
    using Kind = resilience::BudgetAnswer::Kind;
    ++takes;
    if (down) co_return resilience::BudgetAnswer{Kind::kUnavailable, {}};
    auto since = std::chrono::duration_cast<std::chrono::milliseconds>(
        clock_.steady_now().time_since_epoch());
    auto window = since.count() / 1000;
    auto& count = counts_[name + "@" + std::to_string(window)];
    if (++count <= per_second) {
      granted_windows.push_back(window);
      co_return resilience::BudgetAnswer{Kind::kGranted, {}};
    }
    co_return resilience::BudgetAnswer{Kind::kExhausted,
                                       std::chrono::milliseconds{1000 - since.count() % 1000}};
  }

  bool down = false;
  int takes = 0;
  std::vector<long long> granted_windows;  // the window (second) of every granted call

 private:
  const Clock& clock_;
  std::map<std::string, int> counts_;
};

}  // namespace phonebill::fakes
