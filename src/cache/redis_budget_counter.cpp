// RedisBudgetCounter: one EVAL per call (see redis_budget_counter.hpp).
#include "cache/redis_budget_counter.hpp"

#include "cache/redis_client.hpp"

namespace phonebill::cache {
namespace {

// KEYS[1] the budget's hash {s: window second, n: calls in it}; ARGV[1] calls per
// second. Answers 0 when the call is within budget, else the milliseconds until the next
// window. The hash lives two windows at most: an idle budget leaves nothing behind.
constexpr std::string_view kTakeScript = R"lua(
local now = redis.call('TIME')
if redis.call('HGET', KEYS[1], 's') ~= now[1] then
  redis.call('HSET', KEYS[1], 's', now[1], 'n', 0)
  redis.call('PEXPIRE', KEYS[1], 2000)
end
if redis.call('HINCRBY', KEYS[1], 'n', 1) <= tonumber(ARGV[1]) then return 0 end
return 1000 - math.floor(tonumber(now[2]) / 1000)
)lua";

}  // namespace

boost::asio::awaitable<resilience::BudgetAnswer> RedisBudgetCounter::take(std::string name,
                                                                          int per_second) {
  using Kind = resilience::BudgetAnswer::Kind;
  std::vector<std::string> keys{"kos:budget:" + name};
  std::vector<std::string> args{std::to_string(per_second)};
  auto reply = co_await redis_.eval(kTakeScript, std::move(keys), std::move(args),
                                    std::chrono::steady_clock::now() + timeout_);
  if (!reply || !reply->is_integer()) co_return resilience::BudgetAnswer{Kind::kUnavailable, {}};
  if (reply->integer() <= 0) co_return resilience::BudgetAnswer{Kind::kGranted, {}};
  co_return resilience::BudgetAnswer{Kind::kExhausted, std::chrono::milliseconds{reply->integer()}};
}

}  // namespace phonebill::cache
