// The shared KOS budget's counter in Redis (SPEC §7), resilience::BudgetCounter's
// production implementation: a fixed one-second window per name, counted by one Lua
// script (HINCRBY + PEXPIRE on `kos:budget:<name>`) on Redis's own clock (TIME), so
// instances with skewed clocks still share the same windows. Over budget it answers how
// long until the next window. Every Redis error or a reply later than `timeout` is
// kUnavailable. Entry point: RedisBudgetCounter.
#pragma once
#include <chrono>

#include "resilience/shared_budget.hpp"

namespace phonebill::cache {

class RedisClient;

class RedisBudgetCounter final : public resilience::BudgetCounter {
 public:
  // `redis` must outlive the counter; `timeout` bounds each script call.
  RedisBudgetCounter(RedisClient& redis, std::chrono::milliseconds timeout)
      : redis_(redis), timeout_(timeout) {}

  boost::asio::awaitable<resilience::BudgetAnswer> take(std::string name, int per_second) override;

 private:
  RedisClient& redis_;
  std::chrono::milliseconds timeout_;
};

}  // namespace phonebill::cache
