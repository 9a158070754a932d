// A coroutine pause on the caller's executor, for code that must wait without
// including Asio's timer headers (kos-sim's simulated latency, retry backoff).
#pragma once
#include <boost/asio/awaitable.hpp>

#include <chrono>

namespace phonebill::http {

// Suspends the calling coroutine for `duration` (returns at once for <= 0).
boost::asio::awaitable<void> sleep_for(std::chrono::steady_clock::duration duration);

}  // namespace phonebill::http
