// RedisFillLock: SET NX PX, PTTL and a compare-and-delete script (see redis_fill_lock.hpp).
#include "cache/redis_fill_lock.hpp"

#include <random>

#include "cache/redis_client.hpp"

namespace phonebill::cache {
namespace {

// Deletes KEYS[1] only while it still holds ARGV[1] (our token).
constexpr std::string_view kReleaseScript = R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
)lua";

std::string lock_key(const std::string& key) { return "lock:" + key; }

}  // namespace

RedisFillLock::RedisFillLock(RedisClient& redis, std::chrono::milliseconds timeout)
    : redis_(redis), timeout_(timeout) {
  std::random_device device;
  process_tag_ = std::to_string(device()) + std::to_string(device());
}

std::string RedisFillLock::next_token() {
  return process_tag_ + "-" + std::to_string(counter_.fetch_add(1) + 1);
}

boost::asio::awaitable<resilience::LockGrant> RedisFillLock::acquire(
    std::string key, std::chrono::milliseconds ttl) {
  using Kind = resilience::LockGrant::Kind;
  auto token = next_token();
  auto taken = co_await redis_.set_if_absent(lock_key(key), token, ttl,
                                             std::chrono::steady_clock::now() + timeout_);
  if (!taken) co_return resilience::LockGrant{Kind::kUnavailable, {}};
  if (!*taken) co_return resilience::LockGrant{Kind::kBusy, {}};
  co_return resilience::LockGrant{Kind::kAcquired, std::move(token)};
}

boost::asio::awaitable<resilience::LockState> RedisFillLock::state(std::string key) {
  // PTTL: -2 when the key does not exist, else its time to live (-1: none).
  auto reply = co_await redis_.command(redis_args("PTTL", lock_key(key)),
                                       std::chrono::steady_clock::now() + timeout_);
  if (!reply || !reply->is_integer()) co_return resilience::LockState::kUnknown;
  co_return reply->integer() == -2 ? resilience::LockState::kFree : resilience::LockState::kHeld;
}

boost::asio::awaitable<void> RedisFillLock::release(std::string key, std::string token) {
  // A failed release is harmless: the ttl frees the key.
  std::vector<std::string> keys{lock_key(key)};
  std::vector<std::string> args{std::move(token)};
  co_await redis_.eval(kReleaseScript, std::move(keys), std::move(args),
                       std::chrono::steady_clock::now() + timeout_);
}

}  // namespace phonebill::cache
