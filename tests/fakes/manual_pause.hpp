// A resilience::Pause for unit tests: it waits for nothing, records each delay and moves a
// ManualClock by it, so backoffs and deadlines play out at once. Header-only.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <vector>

#include "core/clock.hpp"
#include "resilience/retry.hpp"

namespace phonebill::fakes {

// Both arguments must outlive the returned Pause (test fixture members).
inline resilience::Pause manual_pause(ManualClock& clock,
                                      std::vector<std::chrono::milliseconds>& pauses) {
  return [&clock, &pauses](std::chrono::milliseconds delay) -> boost::asio::awaitable<void> {
    pauses.push_back(delay);
    clock.advance(delay);
    co_return;
  };
}

}  // namespace phonebill::fakes
