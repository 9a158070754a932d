// The gateways' shared buckets in Redis (SPEC §4), each operation one atomic Lua script
// on the server's clock (TIME), so gateways whose clocks differ still agree:
// - take_exact (login, refresh): GCRA — one stored "theoretical arrival time" per key,
//   the same decisions as a token bucket of `burst` refilled at `per_second`;
// - exchange (the general per-IP and per-user limits): a token bucket per key (tokens and
//   its time) that takes a batch of consumption and answers the balances.
// Keys are phonebill:rate:<limiter>:<key> and expire once their bucket would be full
// again. Every call ends by its deadline (`timeout`): a slow Redis costs the caller at
// most that. Entry point: RedisSharedBuckets.
#pragma once
#include <chrono>
#include <cstddef>

#include "cache/redis_client.hpp"
#include "redis_script.hpp"
#include "shared_buckets.hpp"

namespace phonebill::gateway {

class RedisSharedBuckets final : public SharedBucketStore {
 public:
  // `client` must outlive this.
  RedisSharedBuckets(cache::RedisClient& client, std::chrono::milliseconds timeout);

  boost::asio::awaitable<std::optional<std::vector<double>>> exchange(
      std::string limiter, BucketSettings settings, std::vector<BucketUse> uses) override;
  boost::asio::awaitable<std::optional<RateDecision>> take_exact(std::string limiter,
                                                                 BucketSettings settings,
                                                                 std::string key) override;

  // The Redis key of `key`'s bucket under `limiter` (tests look at its TTL).
  static std::string redis_key(std::string_view limiter, std::string_view key);

 private:
  // Keys per EVALSHA: one script call holds the server for its whole length.
  static constexpr std::size_t kBatch = 256;

  cache::RedisClient& client_;
  std::chrono::milliseconds timeout_;
  RedisScript exact_;
  RedisScript shared_;
};

}  // namespace phonebill::gateway
