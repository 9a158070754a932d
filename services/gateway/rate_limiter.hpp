// Token-bucket rate limits (SPEC §4): one bucket per key (client IP, user id, login IP),
// refilled continuously at `per_second` up to `burst` (on steady time). A refused request learns
// how long until a token is back (Retry-After). Time from an injected Clock; thread-safe; memory
// bounded (full buckets are forgotten first, they carry no state). The buckets are this
// process's: RateLimitSync shares them with the other gateways through Redis (it collects each
// key's consumption and writes the fleet-wide balance back). Entry points: RateLimiter::take,
// collect_unsynced, apply_shared.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/clock.hpp"
#include "core/light_mutex.hpp"

namespace phonebill::gateway {

struct BucketSettings {
  double per_second = 0;  // refill rate; 0 disables this limit
  double burst = 0;       // bucket size
};

struct RateLimitSettings {
  BucketSettings per_ip{50, 100};
  BucketSettings per_user{20, 40};
  BucketSettings login_per_ip{0.2, 10};  // 10 at once, then one every 5 s
  // Refresh has its own bucket: it proves possession of a 256-bit token (nothing to guess)
  // and every signed-in user sends one each 30 minutes, so a carrier NAT with thousands of
  // users behind one address needs far more than the login bucket's one per 5 s.
  BucketSettings refresh_per_ip{10, 200};
  std::size_t max_tracked_keys = 100'000;
};

// The key a client address is limited under (SPEC §4): an IPv4 address as it is; an IPv6
// address by its /64 ("2001:db8:1:2::/64"), the smallest block one subscriber is given,
// so that rotating through a prefix gains nothing; an IPv4-mapped IPv6 address as the IPv4
// one. Anything that is not an IP address is returned unchanged.
std::string client_rate_key(std::string_view address);

struct RateDecision {
  bool allowed = true;
  std::chrono::seconds retry_after{0};  // when refused: whole seconds, at least 1
  double remaining = 0;                 // tokens left after this request (negative: in debt)
  std::chrono::seconds until_full{0};   // until the bucket is full again (whole seconds)
};

// One key's consumption since the last synchronisation (RateLimitSync).
struct BucketUse {
  std::string key;
  double consumed = 0;
};

class RateLimiter {
 public:
  // per_second == 0 disables the limiter (every take is allowed). `clock` must outlive it.
  RateLimiter(std::string name, BucketSettings settings, const Clock& clock,
              std::size_t max_keys = 100'000);

  // Takes one token from `key`'s bucket (a new key starts full).
  RateDecision take(std::string_view key);

  // Counts a refusal decided elsewhere (the shared login bucket), for the metrics.
  void count_refusal();

  // Synchronisation (RateLimitSync). Each key used since the last call, with what it
  // consumed meanwhile; its count starts again from zero.
  std::vector<BucketUse> collect_unsynced();
  // The fleet-wide balance of `key` (after the consumption collected from it): the local
  // bucket takes it, less what this process consumed since the collection. It may be
  // negative (the fleet overspent; refused until refilled). Unknown keys are left alone.
  void apply_shared(std::string_view key, double shared_tokens);
  // Sets `key`'s bucket (made if new) to `tokens`: the shared login bucket's balance, so
  // that if Redis goes away this gateway goes on from the fleet's count, not a full bucket.
  void adopt(std::string_view key, double tokens);
  // `wake` runs (outside the lock) when a key's unsynced consumption reaches `threshold`,
  // so that a burst spent here reaches the others before the next periodic sync. Set it
  // before the first take.
  void on_unsynced_threshold(double threshold, std::function<void()> wake);

  bool enabled() const { return settings_.per_second > 0; }
  const BucketSettings& settings() const { return settings_; }
  const std::string& name() const { return name_; }
  // This limiter's item of RateLimit-Policy ("ip";q=100;w=2), rendered once from its name
  // and settings (rate_limit_headers.hpp); empty when disabled.
  const std::string& policy_item() const { return policy_item_; }
  std::size_t tracked_keys() const;
  std::uint64_t refused() const;

 private:
  struct Bucket {
    double tokens;
    SteadyTime updated;   // steady: an NTP step must neither freeze nor fill a bucket
    double unsynced = 0;  // consumed since the last collect_unsynced
    bool used = false;    // taken from since the last collect_unsynced
  };
  double refill(Bucket& bucket, SteadyTime now) const;
  void forget_full_buckets(SteadyTime now);

  const std::string name_;
  const BucketSettings settings_;
  const std::string policy_item_;
  const Clock& clock_;
  const std::size_t max_keys_;
  mutable LightMutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
  std::vector<std::string> used_keys_;  // keys whose `used` turned true since the last round
  std::uint64_t refused_ = 0;
  double wake_threshold_ = 0;  // 0: no early synchronisation
  std::function<void()> wake_;
};

}  // namespace phonebill::gateway
