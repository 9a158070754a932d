// An in-memory SharedBucketStore on a ManualClock, for the unit tests of the shared rate
// limits: the same arithmetic as the Redis scripts (a token bucket per key floored at
// -burst for exchange; one exact bucket per key for take_exact), one instance standing for
// the Redis that several gateways share. `reachable = false` makes every call fail as an
// unreachable Redis does. Header-only; single-threaded tests.
#pragma once
#include <algorithm>
#include <cmath>
#include <map>

#include "core/clock.hpp"
#include "shared_buckets.hpp"

namespace phonebill::gateway::testing {

class FakeSharedBuckets final : public SharedBucketStore {
 public:
  explicit FakeSharedBuckets(const Clock& clock) : clock_(clock) {}

  bool reachable = true;
  int exchanges = 0;    // calls of exchange, reachable or not
  int exact_calls = 0;  // calls of take_exact, reachable or not

  boost::asio::awaitable<std::optional<std::vector<double>>> exchange(
      std::string limiter, BucketSettings settings, std::vector<BucketUse> uses) override {
    ++exchanges;
    if (!reachable) co_return std::nullopt;
    std::vector<double> balances;
    for (const auto& use : uses) {
      auto& bucket = refilled(limiter + ":" + use.key, settings);
      bucket.tokens = std::max(-settings.burst, bucket.tokens - use.consumed);
      balances.push_back(bucket.tokens);
    }
    co_return balances;
  }

  boost::asio::awaitable<std::optional<RateDecision>> take_exact(std::string limiter,
                                                                 BucketSettings settings,
                                                                 std::string key) override {
    ++exact_calls;
    if (!reachable) co_return std::nullopt;
    auto& bucket = refilled("exact:" + limiter + ":" + key, settings);
    RateDecision decision;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
    } else {
      decision.allowed = false;
      decision.retry_after = std::chrono::seconds{
          std::max<long>(1, long(std::ceil((1 - bucket.tokens) / settings.per_second)))};
    }
    decision.remaining = bucket.tokens;
    co_return decision;
  }

  // The balance of `key` under `limiter` as last stored (burst if never used).
  double balance(const std::string& limiter, const std::string& key) const {
    auto found = buckets_.find(limiter + ":" + key);
    return found == buckets_.end() ? -1e9 : found->second.tokens;
  }

 private:
  struct Bucket {
    double tokens = 0;
    SteadyTime at{};
  };

  Bucket& refilled(const std::string& name, const BucketSettings& settings) {
    auto now = clock_.steady_now();
    auto [found, inserted] = buckets_.try_emplace(name, Bucket{settings.burst, now});
    auto& bucket = found->second;
    double elapsed = std::chrono::duration<double>(now - bucket.at).count();
    bucket.tokens = std::min(settings.burst, bucket.tokens + elapsed * settings.per_second);
    bucket.at = now;
    return bucket;
  }

  const Clock& clock_;
  std::map<std::string, Bucket> buckets_;
};

}  // namespace phonebill::gateway::testing
