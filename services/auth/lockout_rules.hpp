// The account-lock rules of SPEC §3 as plain functions (no I/O): an attempt is reserved
// (counted) before the password is checked, so concurrent wrong attempts can never
// verify more than `max_failures` times; the attempt that reaches the limit locks the
// account at once, and a success clears it. Unknown ids follow the same rules.
// Entry points: reserve_attempt, failure_outcome, LockoutPolicy.
#pragma once
#include <chrono>
#include <optional>

#include "core/clock.hpp"

namespace phonebill::auth {

struct LockoutPolicy {
  int max_failures = 5;                         // the 5th consecutive failure locks
  std::chrono::seconds lock_duration{30 * 60};  // SPEC §3: 30 minutes
  // Failures older than this without a newer one are forgotten (for every id alike).
  std::chrono::seconds failure_window{24 * 60 * 60};
};

// The stored counter of one login id (a missing row is the default value).
struct AttemptState {
  int failed_attempts = 0;
  std::optional<SystemTime> locked_until;
  std::optional<SystemTime> last_failure_at;

  bool operator==(const AttemptState&) const = default;
};

enum class ReservationKind {
  kVerify,  // counted: go on and check the password
  kLocked,  // locked now: answer AUTH_003 without checking anything
};

struct Reservation {
  ReservationKind kind = ReservationKind::kVerify;
  AttemptState previous;                   // the stored state it was made from
  AttemptState next;                       // the state to store (unchanged for kLocked)
  int attempt_number = 0;                  // kVerify: 1..max_failures within the current series
  std::optional<SystemTime> locked_until;  // kLocked: until when
};

// Reserves one attempt at `now`. While locked: kLocked, state unchanged. Otherwise the
// attempt counts as a failure in advance (a lapsed lock or a failure older than the
// window starts a new series at 1); the attempt that reaches max_failures stores the
// lock already, so attempts racing it are refused.
Reservation reserve_attempt(const AttemptState& current, const LockoutPolicy& policy,
                            SystemTime now);

// Takes back a kVerify reservation whose password was never checked (the hasher refused
// or failed: the answer is 503, and an attempt that was not checked must not cost a try).
// `current` is the stored state now. If nothing was stored since the reservation, the
// previous state comes back exactly (a lock this reservation set included). Otherwise
// later attempts were counted (or a success or an unlock cleared the counter): one
// failure is taken off the counter and the rest, including a lock a later attempt set
// and answered with, stays.
AttemptState release_attempt(const AttemptState& current, const Reservation& reservation);

// The state after a correct password: counter cleared, lock lifted.
inline AttemptState state_after_success() { return AttemptState{}; }

enum class FailureKind {
  kInvalidCredentials,  // 401 AUTH_001, with remaining attempts
  kLockedNow,           // 423 AUTH_002: this failure locked the account
};

struct FailureOutcome {
  FailureKind kind = FailureKind::kInvalidCredentials;
  int remaining_attempts = 0;              // kInvalidCredentials: 1..max_failures-1
  std::optional<SystemTime> locked_until;  // kLockedNow
};

// What a reserved attempt answers when the password was wrong (or the id unknown).
// Nothing more is stored: the reservation already counted it.
FailureOutcome failure_outcome(const Reservation& reservation, const LockoutPolicy& policy);

// True while `state` keeps the id locked at `now` (GET me's status, the admin view).
bool is_locked(const AttemptState& state, SystemTime now);

}  // namespace phonebill::auth
