// A short lock per cache key shared by every instance (SPEC §7 cross-instance
// coalescing): whoever holds it fetches the value and fills the cache, the others wait
// for the fill. It expires by itself (ttl), so a holder that dies frees the key. Redis
// implements it (cache/redis_fill_lock.hpp: SET NX PX, compare-and-delete); tests use an
// in-memory one. Entry points: FillLock, LockGrant, LockState.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>

namespace phonebill::resilience {

struct LockGrant {
  enum class Kind {
    kAcquired,     // ours until released or ttl; `token` proves it
    kBusy,         // someone else holds it
    kUnavailable,  // the store did not answer: nobody can be asked to wait
  };
  Kind kind = Kind::kUnavailable;
  std::string token;  // set when kAcquired
};

enum class LockState { kHeld, kFree, kUnknown };

class FillLock {
 public:
  virtual ~FillLock() = default;
  // Takes `key` for `ttl` unless someone holds it.
  virtual boost::asio::awaitable<LockGrant> acquire(std::string key,
                                                    std::chrono::milliseconds ttl) = 0;
  // Whether `key` is held now (kUnknown: the store did not answer).
  virtual boost::asio::awaitable<LockState> state(std::string key) = 0;
  // Frees `key` if `token` still holds it (after its ttl another may: never free theirs).
  virtual boost::asio::awaitable<void> release(std::string key, std::string token) = 0;
};

}  // namespace phonebill::resilience
