// Deadlines (STYLE §6): one absolute steady-clock time per request, passed down and
// narrowed, never widened — the one Deadline type every library and service uses.
// Helpers to narrow a deadline to a per-call timeout, ask what is left, and decide
// whether another attempt still fits. Header-only.
#pragma once
#include <algorithm>
#include <chrono>

namespace phonebill {

using Deadline = std::chrono::steady_clock::time_point;

// now + timeout.
inline Deadline deadline_after(std::chrono::steady_clock::duration timeout,
                               Deadline now = std::chrono::steady_clock::now()) {
  return now + timeout;
}

// The earlier of the caller's deadline and now + timeout: a call never outlives the
// request it serves.
inline Deadline narrow(Deadline outer, std::chrono::steady_clock::duration timeout,
                       Deadline now = std::chrono::steady_clock::now()) {
  return std::min(outer, now + timeout);
}

// Time left until `deadline` (zero once it has passed).
inline std::chrono::milliseconds remaining(Deadline deadline,
                                           Deadline now = std::chrono::steady_clock::now()) {
  if (deadline <= now) return std::chrono::milliseconds{0};
  return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
}

inline bool expired(Deadline deadline, Deadline now = std::chrono::steady_clock::now()) {
  return deadline <= now;
}

// True when `needed` (a backoff pause plus the least useful call time) still fits before
// `deadline`.
inline bool fits(Deadline deadline, std::chrono::steady_clock::duration needed,
                 Deadline now = std::chrono::steady_clock::now()) {
  return now + needed < deadline;
}

}  // namespace phonebill
