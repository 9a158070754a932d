// The two Lua scripts behind RedisSharedBuckets and the conversion of their replies.
#include "redis_shared_buckets.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace phonebill::gateway {
namespace {

// GCRA ("generic cell rate algorithm", as redis-cell): the bucket is one number, the
// theoretical arrival time `tat` of the next request (µs on the server's clock). A request
// at `now` is allowed when tat + interval - tolerance <= now, with interval = 1/rate and
// tolerance = burst * interval: exactly a token bucket of `burst` refilled at `rate`.
// KEYS[1]: the key; ARGV[1]: interval µs; ARGV[2]: tolerance µs.
// Reply: {allowed 0|1, tokens left, retry after µs, until full µs}.
constexpr const char* kExactScript = R"lua(
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now) or now
if tat < now then tat = now end
local new_tat = tat + interval
local allow_at = new_tat - tolerance
if allow_at > now then
  return {0, 0, math.ceil(allow_at - now), math.ceil(tat - now)}
end
redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX',
           math.ceil((new_tat - now) / 1000) + 1)
return {1, math.floor((now - allow_at) / interval), 0, math.ceil(new_tat - now)}
)lua";

// A token bucket per key that takes the consumption gateways report and answers the
// balance. The balance may go down to -burst: what the fleet overspent between two
// synchronisations is paid back before anyone is allowed again.
// KEYS: the buckets; ARGV[1]: rate per second; ARGV[2]: burst; ARGV[2 + i]: consumed by KEYS[i].
// Reply: the balances, as strings (a Lua number would be cut to an integer).
constexpr const char* kSharedScript = R"lua(
local time = redis.call('TIME')
local now = tonumber(time[1]) + tonumber(time[2]) / 1000000
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local balances = {}
for index, key in ipairs(KEYS) do
  local state = redis.call('HMGET', key, 'tokens', 'at')
  local tokens = tonumber(state[1])
  local at = tonumber(state[2])
  if tokens == nil or at == nil then
    tokens = burst
    at = now
  end
  if now > at then tokens = math.min(burst, tokens + (now - at) * rate) end
  tokens = math.max(-burst, tokens - tonumber(ARGV[index + 2]))
  local text = string.format('%.6f', tokens)
  redis.call('HSET', key, 'tokens', text, 'at', string.format('%.6f', now))
  redis.call('PEXPIRE', key, math.ceil((burst - tokens) / rate * 1000) + 1000)
  balances[index] = text
end
return balances
)lua";

std::string integer_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.0f", value);
  return text;
}

std::string real_text(double value) {
  char text[48];
  std::snprintf(text, sizeof text, "%.6f", value);
  return text;
}

std::chrono::seconds whole_seconds(std::int64_t microseconds) {
  return std::chrono::seconds{(std::max<std::int64_t>(0, microseconds) + 999'999) / 1'000'000};
}

}  // namespace

RedisSharedBuckets::RedisSharedBuckets(cache::RedisClient& client,
                                       std::chrono::milliseconds timeout)
    : client_(client), timeout_(timeout), exact_(kExactScript), shared_(kSharedScript) {}

std::string RedisSharedBuckets::redis_key(std::string_view limiter, std::string_view key) {
  std::string text{"phonebill:rate:"};
  text.append(limiter).append(":").append(key);
  return text;
}

boost::asio::awaitable<std::optional<std::vector<double>>> RedisSharedBuckets::exchange(
    std::string limiter, BucketSettings settings, std::vector<BucketUse> uses) {
  std::vector<double> balances;
  balances.reserve(uses.size());
  for (std::size_t start = 0; start < uses.size(); start += kBatch) {
    const std::size_t end = std::min(uses.size(), start + kBatch);
    std::vector<std::string> keys;
    std::vector<std::string> args{real_text(settings.per_second), real_text(settings.burst)};
    for (std::size_t index = start; index < end; ++index) {
      keys.push_back(redis_key(limiter, uses[index].key));
      args.push_back(real_text(uses[index].consumed));
    }
    auto reply =
        co_await shared_.run(client_, std::move(keys), std::move(args), deadline_after(timeout_));
    if (!reply || !reply->is_array() || reply->elements().size() != end - start)
      co_return std::nullopt;
    for (const auto& element : reply->elements()) {
      if (!element.is_string()) co_return std::nullopt;
      balances.push_back(std::strtod(element.text().c_str(), nullptr));
    }
  }
  co_return balances;
}

boost::asio::awaitable<std::optional<RateDecision>> RedisSharedBuckets::take_exact(
    std::string limiter, BucketSettings settings, std::string key) {
  const double interval = std::round(1e6 / settings.per_second);
  std::vector<std::string> keys{redis_key(limiter, key)};
  std::vector<std::string> args{integer_text(interval), integer_text(interval * settings.burst)};
  auto reply =
      co_await exact_.run(client_, std::move(keys), std::move(args), deadline_after(timeout_));
  if (!reply || !reply->is_array() || reply->elements().size() != 4) co_return std::nullopt;
  const auto& parts = reply->elements();
  for (const auto& part : parts)
    if (!part.is_integer()) co_return std::nullopt;
  RateDecision decision;
  decision.allowed = parts[0].integer() == 1;
  decision.remaining = double(parts[1].integer());
  if (!decision.allowed)
    decision.retry_after = std::max(std::chrono::seconds{1}, whole_seconds(parts[2].integer()));
  decision.until_full = whole_seconds(parts[3].integer());
  co_return decision;
}

}  // namespace phonebill::gateway
