// Cross-instance coalescing of a cache miss (SPEC §7): one instance of the fleet calls
// KOS for a key, the others wait for the cache it fills. On a miss the caller takes the
// key's FillLock; the holder looks at the cache once more (a fill may have landed since
// the miss), else fetches (KOS + cache fill) and releases. The others poll the cache
// with a short doubling backoff until it is filled, within their deadline; when the lock
// is gone without a fill (the holder failed, or died and the ttl freed the key) they try
// to take it themselves, if a call still fits. A store that does not answer means a
// direct fetch: Redis never fails a request. Polling, not pub/sub: no per-key
// subscription state, a dead holder is handled by the same loop, and the in-process
// single flight in front of it means one poller per key per process. Entry points:
// FleetCoalescingOptions, FleetCoalescing, FleetRole, coalesce_across_fleet.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <exception>
#include <optional>
#include <string>
#include <string_view>

#include "core/config.hpp"
#include "core/deadline.hpp"
#include "resilience/fill_lock.hpp"
#include "resilience/retry.hpp"

namespace phonebill::resilience {

struct FleetCoalescingOptions {
  bool enabled = true;
  // How long a holder keeps the key at most: longer than its whole KOS call (3 s for an
  // inquiry), short enough that a dead holder's key frees soon.
  std::chrono::milliseconds lock_ttl{3'500};
  std::chrono::milliseconds first_poll{5};  // waiters' first look at the cache, doubling
  std::chrono::milliseconds max_poll{50};   // ... up to this
  // Taking over after the lock went without a fill only if this much time is left.
  std::chrono::milliseconds minimum_call_time{100};

  // <prefix>_ENABLED, <prefix>_LOCK_MS, <prefix>_POLL_MS, <prefix>_MAX_POLL_MS,
  // <prefix>_MIN_CALL_MS. Throws ConfigError.
  static FleetCoalescingOptions from_environment(const Environment& environment,
                                                 const std::string& prefix,
                                                 FleetCoalescingOptions defaults);
};

// What a service needs to coalesce its misses across instances. Without a lock, misses
// coalesce inside the process only.
struct FleetCoalescing {
  FillLock* lock = nullptr;  // must outlive the service
  FleetCoalescingOptions options;
  Pause pause;    // waits between looks at the cache (empty: the service's real timer)
  SteadyNow now;  // empty: the service's clock
};

// What one caller did.
enum class FleetRole {
  kHolder,     // held the lock and fetched
  kFilled,     // found another instance's fill (after waiting, or on its own lock)
  kTakenOver,  // waited, the lock went without a fill, then held it and fetched
  kDirect,     // the lock store did not answer: fetched without it
  kGaveUp,     // the deadline came while another held the key: no value
};
std::string_view to_string(FleetRole role);  // holder, filled, taken_over, direct, gave_up

template <typename T>
struct FleetOutcome {
  std::optional<T> value;  // none only for kGaveUp
  FleetRole role = FleetRole::kHolder;
};

// Runs `fetch()` (awaitable<T>: ask KOS and fill the cache) on at most one instance at a
// time for `key`, and `probe()` (awaitable<std::optional<T>>: the filled cache, if any)
// everywhere else; see the file comment. If fetch throws, the lock is released and the
// exception goes on.
template <typename T, typename Fetch, typename Probe>
boost::asio::awaitable<FleetOutcome<T>> coalesce_across_fleet(FillLock& lock,
                                                              const FleetCoalescingOptions& options,
                                                              std::string key, Deadline deadline,
                                                              Fetch fetch, Probe probe, Pause pause,
                                                              SteadyNow now) {
  // g++ 12 miscompiles a co_await inside a braced initialiser: each fetch lands in a
  // variable first.
  auto fetch_directly = [&]() -> boost::asio::awaitable<FleetOutcome<T>> {
    FleetOutcome<T> outcome;
    outcome.role = FleetRole::kDirect;
    outcome.value.emplace(co_await fetch());
    co_return outcome;
  };
  if (!options.enabled) co_return co_await fetch_directly();
  bool waited = false;
  auto poll = options.first_poll;
  for (;;) {
    auto grant = co_await lock.acquire(key, options.lock_ttl);
    if (grant.kind == LockGrant::Kind::kUnavailable) co_return co_await fetch_directly();
    if (grant.kind == LockGrant::Kind::kAcquired) {
      std::optional<T> value = co_await probe();
      auto role = FleetRole::kFilled;
      std::exception_ptr failure;
      if (!value) {
        role = waited ? FleetRole::kTakenOver : FleetRole::kHolder;
        try {
          value.emplace(co_await fetch());
        } catch (...) {
          failure = std::current_exception();
        }
      }
      co_await lock.release(key, grant.token);
      if (failure) std::rethrow_exception(failure);
      co_return FleetOutcome<T>{std::move(value), role};
    }
    // Busy: another instance is fetching. Wait for its fill.
    waited = true;
    for (;;) {
      if (!fits(deadline, poll, now())) co_return FleetOutcome<T>{std::nullopt, FleetRole::kGaveUp};
      co_await pause(poll);
      poll = std::min(poll * 2, options.max_poll);
      if (auto filled = co_await probe())
        co_return FleetOutcome<T>{std::move(filled), FleetRole::kFilled};
      auto state = co_await lock.state(key);
      if (state == LockState::kHeld) continue;
      if (state == LockState::kUnknown) {
        if (!fits(deadline, options.minimum_call_time, now()))
          co_return FleetOutcome<T>{std::nullopt, FleetRole::kGaveUp};
        co_return co_await fetch_directly();
      }
      break;  // free without a fill: try to take it
    }
    if (!fits(deadline, options.minimum_call_time, now()))
      co_return FleetOutcome<T>{std::nullopt, FleetRole::kGaveUp};
  }
}

}  // namespace phonebill::resilience
