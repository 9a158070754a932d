// The login and refresh limits shared exactly by every gateway (SPEC §4): each request is
// one atomic script on the shared store, so two gateways refuse at the very request one
// would. When the store fails (unreachable, slow past its timeout, or the breaker open
// after such failures) the local bucket decides alone — from the last balance Redis gave
// for that client, not a fresh burst: never a failed request, and no more added latency
// than one bounded timeout before the breaker opens. Thread-safe.
// Entry point: ExactRateLimiter::take.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <string_view>

#include "rate_limiter.hpp"
#include "resilience/circuit_breaker.hpp"
#include "shared_buckets.hpp"

namespace phonebill::gateway {

class ExactRateLimiter {
 public:
  // `store` null: local buckets only. `local`, `store` and `breaker` must outlive this.
  ExactRateLimiter(RateLimiter& local, SharedBucketStore* store,
                   resilience::CircuitBreaker& breaker);

  boost::asio::awaitable<RateDecision> take(std::string_view key);

  const RateLimiter& local() const { return local_; }
  bool enabled() const { return local_.enabled(); }

 private:
  RateLimiter& local_;
  SharedBucketStore* store_;
  resilience::CircuitBreaker& breaker_;
};

}  // namespace phonebill::gateway
