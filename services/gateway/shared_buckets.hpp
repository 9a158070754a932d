// Where the gateways' buckets are shared (SPEC §4): the interface RateLimitSync and
// ExactRateLimiter talk to — RedisSharedBuckets in production, an in-memory fake in the
// unit tests. Both operations answer nullopt when the store cannot be reached, and the
// caller falls back to its local buckets. Entry points: SharedBucketStore::exchange,
// SharedBucketStore::take_exact.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rate_limiter.hpp"

namespace phonebill::gateway {

class SharedBucketStore {
 public:
  virtual ~SharedBucketStore() = default;

  // Adds each key's consumption to its fleet-wide bucket of limiter `limiter` (refilled on
  // the store's clock, floored at -burst) and answers every bucket's balance after it, in
  // the order of `uses`.
  virtual boost::asio::awaitable<std::optional<std::vector<double>>> exchange(
      std::string limiter, BucketSettings settings, std::vector<BucketUse> uses) = 0;

  // Takes one token from `key`'s fleet-wide bucket, atomically: the decision the one
  // shared bucket gives, whichever gateway asks.
  virtual boost::asio::awaitable<std::optional<RateDecision>> take_exact(std::string limiter,
                                                                         BucketSettings settings,
                                                                         std::string key) = 0;
};

}  // namespace phonebill::gateway
