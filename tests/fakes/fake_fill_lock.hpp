// An in-memory resilience::FillLock for unit tests: keys held until released or until
// their ttl has passed on the given Clock (a ManualClock in tests), a switch to play an
// unreachable store, and counters of what was asked. Header-only; single-threaded use.
#pragma once
#include <chrono>
#include <map>
#include <string>

#include "core/clock.hpp"
#include "resilience/fill_lock.hpp"

namespace phonebill::fakes {

class FakeFillLock final : public resilience::FillLock {
 public:
  explicit FakeFillLock(const Clock& clock) : clock_(clock) {}

  boost::asio::awaitable<resilience::LockGrant> acquire(std::string key,
                                                        std::chrono::milliseconds ttl) override {
    ++acquires;
    if (down) co_return resilience::LockGrant{resilience::LockGrant::Kind::kUnavailable, {}};
    if (held(key)) co_return resilience::LockGrant{resilience::LockGrant::Kind::kBusy, {}};
    auto token = "token-" + std::to_string(++tokens_);
    holders_[key] = Holder{token, clock_.steady_now() + ttl};
    co_return resilience::LockGrant{resilience::LockGrant::Kind::kAcquired, token};
  }
  boost::asio::awaitable<resilience::LockState> state(std::string key) override {
    if (down) co_return resilience::LockState::kUnknown;
    co_return held(key) ? resilience::LockState::kHeld : resilience::LockState::kFree;
  }
  boost::asio::awaitable<void> release(std::string key, std::string token) override {
    ++releases;
    auto found = holders_.find(key);
    if (found != holders_.end() && found->second.token == token) holders_.erase(found);
    co_return;
  }

  // Someone else (another instance) holds `key` for `ttl`.
  void hold(const std::string& key, std::chrono::milliseconds ttl) {
    holders_[key] = Holder{"elsewhere", clock_.steady_now() + ttl};
  }
  void free(const std::string& key) { holders_.erase(key); }
  bool held(const std::string& key) const {
    auto found = holders_.find(key);
    return found != holders_.end() && clock_.steady_now() < found->second.until;
  }

  bool down = false;
  int acquires = 0;
  int releases = 0;

 private:
  struct Holder {
    std::string token;
    SteadyTime until;
  };
  const Clock& clock_;
  std::map<std::string, Holder> holders_;
  int tokens_ = 0;
};

}  // namespace phonebill::fakes
