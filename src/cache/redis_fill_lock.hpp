// The fill lock of cross-instance coalescing in Redis (SPEC §7), resilience::FillLock's
// production implementation: `lock:<key>` taken by SET NX PX with a token unique to this
// process and call, freed by a compare-and-delete script (never another holder's lock
// after our ttl ran out), looked at by PTTL. Every Redis error or a reply later than
// `timeout` is "unavailable"/"unknown", so callers fetch directly. Entry point:
// RedisFillLock.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>

#include "resilience/fill_lock.hpp"

namespace phonebill::cache {

class RedisClient;

class RedisFillLock final : public resilience::FillLock {
 public:
  // `redis` must outlive the lock; `timeout` bounds each command.
  RedisFillLock(RedisClient& redis, std::chrono::milliseconds timeout);

  boost::asio::awaitable<resilience::LockGrant> acquire(std::string key,
                                                        std::chrono::milliseconds ttl) override;
  boost::asio::awaitable<resilience::LockState> state(std::string key) override;
  boost::asio::awaitable<void> release(std::string key, std::string token) override;

 private:
  std::string next_token();

  RedisClient& redis_;
  std::chrono::milliseconds timeout_;
  std::string process_tag_;  // random per process: tokens of two instances never collide
  std::atomic<std::uint64_t> counter_{0};
};

}  // namespace phonebill::cache
