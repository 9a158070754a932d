// Token-bucket rate limits on steady time, and the key a client address is limited under.
#include "rate_limiter.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "rate_limit_headers.hpp"

namespace phonebill::gateway {

std::string client_rate_key(std::string_view address) {
  // An IPv4 address (no colon) is its own key: it needs neither the zone nor inet_pton
  // (issue 17 item 2: two strings and their scans on every request).
  if (address.find(':') == std::string_view::npos) return std::string{address};
  std::string text{address};
  // A scoped address (fe80::1%eth0) is still the address before the zone.
  auto zone = text.find('%');
  std::string bare = text.substr(0, zone);
  std::array<unsigned char, 16> bytes{};
  if (bare.find(':') == std::string::npos || inet_pton(AF_INET6, bare.c_str(), bytes.data()) != 1)
    return text;
  constexpr std::array<unsigned char, 12> kMappedPrefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::equal(kMappedPrefix.begin(), kMappedPrefix.end(), bytes.begin()))
    return std::to_string(bytes[12]) + "." + std::to_string(bytes[13]) + "." +
           std::to_string(bytes[14]) + "." + std::to_string(bytes[15]);
  char prefix[48];
  std::snprintf(prefix, sizeof prefix, "%x:%x:%x:%x::/64", (bytes[0] << 8) | bytes[1],
                (bytes[2] << 8) | bytes[3], (bytes[4] << 8) | bytes[5], (bytes[6] << 8) | bytes[7]);
  return prefix;
}

RateLimiter::RateLimiter(std::string name, BucketSettings settings, const Clock& clock,
                         std::size_t max_keys)
    : name_(std::move(name)),
      settings_(settings),
      policy_item_(render_policy_item(name_, settings_)),
      clock_(clock),
      max_keys_(std::max<std::size_t>(max_keys, 1)) {}

double RateLimiter::refill(Bucket& bucket, SteadyTime now) const {
  if (now > bucket.updated) {
    double elapsed = std::chrono::duration<double>(now - bucket.updated).count();
    bucket.tokens = std::min(settings_.burst, bucket.tokens + elapsed * settings_.per_second);
    bucket.updated = now;
  }
  return bucket.tokens;
}

void RateLimiter::forget_full_buckets(SteadyTime now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    if (refill(it->second, now) >= settings_.burst)
      it = buckets_.erase(it);
    else
      ++it;
  }
  // Still full of active clients: start over rather than grow without bound. The
  // forgotten ones get a fresh bucket, a brief leniency we accept under such load.
  if (buckets_.size() >= max_keys_) buckets_.clear();
  // The used-key list names only buckets that still exist (bounded by the table, even
  // when no round ever collects it).
  used_keys_.clear();
  for (const auto& [key, bucket] : buckets_)
    if (bucket.used) used_keys_.push_back(key);
}

namespace {

std::chrono::seconds whole_seconds(double seconds) {
  return std::chrono::seconds{std::max<std::int64_t>(0, std::int64_t(std::ceil(seconds)))};
}

}  // namespace

RateDecision RateLimiter::take(std::string_view key) {
  if (!enabled()) return {};
  auto now = clock_.steady_now();
  RateDecision decision;
  bool wake = false;
  {
    std::lock_guard lock{mutex_};
    auto found = buckets_.find(std::string{key});
    if (found == buckets_.end()) {
      if (buckets_.size() >= max_keys_) forget_full_buckets(now);
      found = buckets_.emplace(std::string{key}, Bucket{settings_.burst, now}).first;
    }
    auto& bucket = found->second;
    if (!bucket.used) {
      bucket.used = true;
      used_keys_.push_back(found->first);
    }
    if (refill(bucket, now) >= 1.0) {
      bucket.tokens -= 1.0;
      bucket.unsynced += 1.0;
      // Once per crossing, not on every request after it.
      wake = wake_ && bucket.unsynced >= wake_threshold_ && bucket.unsynced - 1.0 < wake_threshold_;
    } else {
      ++refused_;
      decision.allowed = false;
      double wait = (1.0 - bucket.tokens) / settings_.per_second;
      decision.retry_after = std::max(std::chrono::seconds{1}, whole_seconds(wait));
    }
    decision.remaining = bucket.tokens;
    decision.until_full = whole_seconds((settings_.burst - bucket.tokens) / settings_.per_second);
  }
  if (wake) wake_();
  return decision;
}

void RateLimiter::count_refusal() {
  std::lock_guard lock{mutex_};
  ++refused_;
}

std::vector<BucketUse> RateLimiter::collect_unsynced() {
  std::vector<BucketUse> uses;
  std::lock_guard lock{mutex_};
  // Only the keys used since the last round: a scan of every bucket would hold the lock
  // the requests need for as long as the table is big.
  uses.reserve(used_keys_.size());
  for (auto& key : used_keys_) {
    auto found = buckets_.find(key);
    if (found == buckets_.end() || !found->second.used) continue;  // forgotten meanwhile
    uses.push_back(BucketUse{std::move(key), found->second.unsynced});
    found->second.used = false;
    found->second.unsynced = 0;
  }
  used_keys_.clear();
  return uses;
}

void RateLimiter::apply_shared(std::string_view key, double shared_tokens) {
  auto now = clock_.steady_now();
  std::lock_guard lock{mutex_};
  auto found = buckets_.find(std::string{key});
  if (found == buckets_.end()) return;
  auto& bucket = found->second;
  bucket.tokens = std::min(settings_.burst, shared_tokens - bucket.unsynced);
  bucket.updated = now;
}

void RateLimiter::adopt(std::string_view key, double tokens) {
  if (!enabled()) return;
  auto now = clock_.steady_now();
  std::lock_guard lock{mutex_};
  auto found = buckets_.find(std::string{key});
  if (found == buckets_.end()) {
    if (buckets_.size() >= max_keys_) forget_full_buckets(now);
    found = buckets_.emplace(std::string{key}, Bucket{settings_.burst, now}).first;
  }
  found->second.tokens = std::min(settings_.burst, tokens);
  found->second.updated = now;
}

void RateLimiter::on_unsynced_threshold(double threshold, std::function<void()> wake) {
  std::lock_guard lock{mutex_};
  wake_threshold_ = std::max(1.0, threshold);
  wake_ = std::move(wake);
}

std::size_t RateLimiter::tracked_keys() const {
  std::lock_guard lock{mutex_};
  return buckets_.size();
}

std::uint64_t RateLimiter::refused() const {
  std::lock_guard lock{mutex_};
  return refused_;
}

}  // namespace phonebill::gateway
