// The lockout rules without a database: counting before verification, the lock on the
// 5th failure, AUTH_003 while locked, the lapse of a lock and of old failures.
#include <gtest/gtest.h>

#include "lockout_rules.hpp"

using namespace phonebill;
using namespace phonebill::auth;
using namespace std::chrono_literals;

namespace {

const SystemTime kNow{std::chrono::seconds{1'790'000'000}};

// Feeds `count` reservations that all fail; returns the final state.
AttemptState fail(AttemptState state, int count, const LockoutPolicy& policy, SystemTime now) {
  for (int i = 0; i < count; ++i) state = reserve_attempt(state, policy, now).next;
  return state;
}

}  // namespace

// The first attempt is number 1 and, if wrong, leaves four.
TEST(LockoutRules, FirstFailureLeavesFourAttempts) {
  LockoutPolicy policy;
  auto reservation = reserve_attempt({}, policy, kNow);
  EXPECT_EQ(reservation.kind, ReservationKind::kVerify);
  EXPECT_EQ(reservation.attempt_number, 1);
  EXPECT_EQ(reservation.next.failed_attempts, 1);
  EXPECT_FALSE(reservation.next.locked_until);
  auto outcome = failure_outcome(reservation, policy);
  EXPECT_EQ(outcome.kind, FailureKind::kInvalidCredentials);
  EXPECT_EQ(outcome.remaining_attempts, 4);
}

// The 5th reservation stores the lock already, so racing attempts are refused.
TEST(LockoutRules, FifthAttemptLocksBeforeTheCheck) {
  LockoutPolicy policy;
  auto state = fail({}, 4, policy, kNow);
  auto fifth = reserve_attempt(state, policy, kNow);
  EXPECT_EQ(fifth.kind, ReservationKind::kVerify);
  EXPECT_EQ(fifth.attempt_number, 5);
  ASSERT_TRUE(fifth.next.locked_until);
  EXPECT_EQ(*fifth.next.locked_until, kNow + 30min);
  auto outcome = failure_outcome(fifth, policy);
  EXPECT_EQ(outcome.kind, FailureKind::kLockedNow);
  EXPECT_EQ(outcome.locked_until, kNow + 30min);
}

// While locked nothing is verified and nothing changes.
TEST(LockoutRules, LockedAttemptIsRefusedWithoutCounting) {
  LockoutPolicy policy;
  auto locked = fail({}, 5, policy, kNow);
  auto refused = reserve_attempt(locked, policy, kNow + 29min);
  EXPECT_EQ(refused.kind, ReservationKind::kLocked);
  EXPECT_EQ(refused.next, locked);
  EXPECT_EQ(refused.locked_until, kNow + 30min);
  EXPECT_TRUE(is_locked(locked, kNow + 29min));
}

// Twenty attempts in a row (what 20 concurrent requests become under the row lock): five
// verify, fifteen are refused, the count stays at five.
TEST(LockoutRules, TwentyAttemptsVerifyOnlyFive) {
  LockoutPolicy policy;
  AttemptState state;
  int verified = 0, refused = 0;
  for (int i = 0; i < 20; ++i) {
    auto reservation = reserve_attempt(state, policy, kNow);
    if (reservation.kind == ReservationKind::kVerify)
      ++verified;
    else
      ++refused;
    state = reservation.next;
  }
  EXPECT_EQ(verified, 5);
  EXPECT_EQ(refused, 15);
  EXPECT_EQ(state.failed_attempts, 5);
}

// After the lock period a new series starts at attempt 1.
TEST(LockoutRules, LapsedLockStartsANewSeries) {
  LockoutPolicy policy;
  auto locked = fail({}, 5, policy, kNow);
  EXPECT_FALSE(is_locked(locked, kNow + 30min));
  auto next = reserve_attempt(locked, policy, kNow + 30min);
  EXPECT_EQ(next.kind, ReservationKind::kVerify);
  EXPECT_EQ(next.attempt_number, 1);
  EXPECT_FALSE(next.next.locked_until);
}

// Failures older than the window are forgotten; newer ones are not.
TEST(LockoutRules, OldFailuresAreForgotten) {
  LockoutPolicy policy;
  auto state = fail({}, 3, policy, kNow);
  EXPECT_EQ(reserve_attempt(state, policy, kNow + 23h).attempt_number, 4);
  EXPECT_EQ(reserve_attempt(state, policy, kNow + 24h).attempt_number, 1);
}

// Success clears everything; the configured limit and lock time are honoured.
TEST(LockoutRules, SuccessResetsAndPolicyIsConfigurable) {
  EXPECT_EQ(state_after_success(), AttemptState{});
  LockoutPolicy policy;
  policy.max_failures = 2;
  policy.lock_duration = 3s;
  auto first = reserve_attempt({}, policy, kNow);
  EXPECT_EQ(failure_outcome(first, policy).remaining_attempts, 1);
  auto second = reserve_attempt(first.next, policy, kNow);
  EXPECT_EQ(second.next.locked_until, kNow + 3s);
  EXPECT_EQ(reserve_attempt(second.next, policy, kNow + 3s).kind, ReservationKind::kVerify);
}

// Issue 12 item 6: an attempt the hasher refused (503) is taken back. Untouched since,
// the previous state returns exactly, also when the reservation was the locking 5th.
TEST(LockoutRules, ReleasedReservationRestoresThePreviousState) {
  LockoutPolicy policy;
  auto state = fail({}, 2, policy, kNow);
  auto third = reserve_attempt(state, policy, kNow + 1s);
  EXPECT_EQ(release_attempt(third.next, third), state);

  auto four = fail({}, 4, policy, kNow);
  auto fifth = reserve_attempt(four, policy, kNow + 1s);
  ASSERT_TRUE(fifth.next.locked_until);
  auto released = release_attempt(fifth.next, fifth);
  EXPECT_EQ(released, four);
  EXPECT_FALSE(is_locked(released, kNow + 1s));

  // A fresh id: nothing is left counted.
  auto first = reserve_attempt({}, policy, kNow);
  EXPECT_EQ(release_attempt(first.next, first), AttemptState{});
}

// Attempts counted after the released one stay counted (their answers told of them);
// only the released one comes off. A success in between leaves nothing to take back.
TEST(LockoutRules, ReleaseAfterLaterAttemptsTakesOffOneFailure) {
  LockoutPolicy policy;
  auto mine = reserve_attempt({}, policy, kNow);
  auto later = reserve_attempt(mine.next, policy, kNow + 1s);
  auto released = release_attempt(later.next, mine);
  EXPECT_EQ(released.failed_attempts, 1);
  EXPECT_EQ(released.last_failure_at, kNow + 1s);
  EXPECT_EQ(release_attempt(state_after_success(), mine), AttemptState{});
  // A refused (locked) attempt reserved nothing, so there is nothing to release.
  auto locked = fail({}, 5, policy, kNow);
  auto refused = reserve_attempt(locked, policy, kNow);
  EXPECT_EQ(release_attempt(locked, refused), locked);
}
