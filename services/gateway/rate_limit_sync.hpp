// Shares the general rate limits (per IP, per user) across gateways without a Redis round
// trip on the request path (SPEC §4, like Kong's sync_rate): requests are decided by the
// local buckets alone; a background task, every `sync_interval` (100 ms at most) and as
// soon as a key has spent a quarter of its burst since the last round, sends each used
// key's consumption to the shared store and sets the local bucket to the fleet-wide
// balance it answers. Store unreachable: the round is skipped (its consumption was already
// enforced locally), the breaker keeps later rounds from waiting, and sharing resumes by
// itself. Overshoot bound: docs/decisions.md. Entry points: RateLimitSync::start,
// sync_once (tests drive rounds by hand).
#pragma once
#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "rate_limiter.hpp"
#include "resilience/circuit_breaker.hpp"
#include "shared_buckets.hpp"

namespace boost::asio {
class io_context;
}

namespace phonebill::gateway {

struct RateSharingSettings {
  bool enabled = true;                           // false: every gateway limits alone
  std::chrono::milliseconds sync_interval{100};  // general limits: the longest between rounds
  std::chrono::milliseconds redis_timeout{50};   // per script call (login, refresh, a round)
  // A key that spent this share of its burst since the last round starts one at once.
  double early_sync_share = 0.25;
  // Opens after consecutive store failures: then no call waits on Redis until it is back.
  resilience::CircuitBreakerOptions breaker{3, std::chrono::milliseconds{1000}, 1};
};

class RateLimitSync {
 public:
  // Every pointer must outlive this; `io` runs the rounds once start() is called.
  RateLimitSync(boost::asio::io_context& io, std::vector<RateLimiter*> limiters,
                SharedBucketStore& store, resilience::CircuitBreaker& breaker,
                const RateSharingSettings& settings);
  ~RateLimitSync();
  RateLimitSync(const RateLimitSync&) = delete;
  RateLimitSync& operator=(const RateLimitSync&) = delete;

  // One round over every limiter. False when a limiter's exchange failed or the breaker
  // refused it: that consumption is dropped (the local buckets already enforced it).
  boost::asio::awaitable<bool> sync_once();

  // Rounds every sync_interval, and on wake(), until stop() (or destruction).
  void start();
  void stop();
  // stop(), then waits (at most `grace`) until the loop has ended, a round in flight
  // included. A shutdown awaits this before stopping the io_context: a round left
  // suspended would otherwise be destroyed with the io_context, after the breaker and
  // clock it refers to (a use-after-destroy). True when the loop has ended (or never ran).
  boost::asio::awaitable<bool> stop_and_wait(std::chrono::milliseconds grace);
  // Asks for a round now (any thread; coalesced with one already asked for).
  void wake();

  std::uint64_t rounds() const { return rounds_.load(); }
  std::uint64_t failed_rounds() const { return failed_rounds_.load(); }

 private:
  struct Loop;

  std::vector<RateLimiter*> limiters_;
  SharedBucketStore& store_;
  resilience::CircuitBreaker& breaker_;
  std::chrono::milliseconds interval_;
  std::shared_ptr<Loop> loop_;
  std::atomic<std::uint64_t> rounds_{0};
  std::atomic<std::uint64_t> failed_rounds_{0};
};

}  // namespace phonebill::gateway
