// ExactRateLimiter: the shared decision when the store answers, the local one otherwise.
#include "exact_rate_limiter.hpp"

namespace phonebill::gateway {

ExactRateLimiter::ExactRateLimiter(RateLimiter& local, SharedBucketStore* store,
                                   resilience::CircuitBreaker& breaker)
    : local_(local), store_(store), breaker_(breaker) {}

boost::asio::awaitable<RateDecision> ExactRateLimiter::take(std::string_view key) {
  if (!local_.enabled()) co_return RateDecision{};
  if (store_ != nullptr) {
    if (auto permit = breaker_.try_acquire()) {
      std::string owned_key{key};
      auto shared = co_await store_->take_exact(local_.name(), local_.settings(), owned_key);
      if (shared) {
        permit.succeed();
        local_.adopt(key, shared->remaining);
        if (!shared->allowed) local_.count_refusal();
        co_return *shared;
      }
      permit.fail();
    }
  }
  co_return local_.take(key);
}

}  // namespace phonebill::gateway
