// The account-lock rules as plain functions: reserve, release, fail (see lockout_rules.hpp).
#include "lockout_rules.hpp"

namespace phonebill::auth {

bool is_locked(const AttemptState& state, SystemTime now) {
  return state.locked_until && *state.locked_until > now;
}

Reservation reserve_attempt(const AttemptState& current, const LockoutPolicy& policy,
                            SystemTime now) {
  Reservation reservation;
  reservation.previous = current;
  if (is_locked(current, now)) {
    reservation.kind = ReservationKind::kLocked;
    reservation.next = current;
    reservation.locked_until = current.locked_until;
    return reservation;
  }
  // A lapsed lock, or failures older than the window, start a new series.
  bool stale = current.locked_until.has_value() || !current.last_failure_at ||
               *current.last_failure_at + policy.failure_window <= now;
  int previous = stale ? 0 : current.failed_attempts;
  int number = previous + 1;
  reservation.kind = ReservationKind::kVerify;
  reservation.attempt_number = number;
  reservation.next.failed_attempts = number;
  reservation.next.last_failure_at = now;
  if (number >= policy.max_failures) reservation.next.locked_until = now + policy.lock_duration;
  return reservation;
}

AttemptState release_attempt(const AttemptState& current, const Reservation& reservation) {
  if (reservation.kind != ReservationKind::kVerify) return current;
  if (current == reservation.next) return reservation.previous;
  AttemptState released = current;
  if (released.failed_attempts > 0) --released.failed_attempts;
  return released;
}

FailureOutcome failure_outcome(const Reservation& reservation, const LockoutPolicy& policy) {
  FailureOutcome outcome;
  if (reservation.next.locked_until) {
    outcome.kind = FailureKind::kLockedNow;
    outcome.locked_until = reservation.next.locked_until;
    return outcome;
  }
  outcome.kind = FailureKind::kInvalidCredentials;
  outcome.remaining_attempts = policy.max_failures - reservation.attempt_number;
  return outcome;
}

}  // namespace phonebill::auth
