// How long revocations last, and that committed ones take effect on this instance at once
// (the outbox publisher, absent here, carries them to the others).
#include <gtest/gtest.h>

#include "session_revoker.hpp"

using namespace phonebill;
using namespace phonebill::auth;
using namespace std::chrono_literals;
using security::RevocationKind;

TEST(SessionRevoker, LifetimesCoverEveryTokenConcerned) {
  ManualClock clock;
  security::RevocationSet set{clock};
  SessionRevoker revoker{set, nullptr, clock, 31min, 60s};
  EXPECT_EQ(revoker.session_until(), clock.now() + 31min);
  EXPECT_EQ(revoker.token_until(clock.now() + 30min), clock.now() + 31min);
}

TEST(SessionRevoker, CommittedRevocationsTakeEffectHereAtOnce) {
  ManualClock clock;
  security::RevocationSet set{clock};
  SessionRevoker revoker{set, nullptr, clock, 31min, 60s};
  revoker.committed({Revocation{RevocationKind::kSession, "sid-1", revoker.session_until()},
                     Revocation{RevocationKind::kToken, "jti-1", clock.now() + 10min}});
  EXPECT_TRUE(set.is_revoked(RevocationKind::kSession, "sid-1"));
  EXPECT_TRUE(set.is_revoked(RevocationKind::kToken, "jti-1"));
  clock.advance(10min + 1s);
  EXPECT_FALSE(set.is_revoked(RevocationKind::kToken, "jti-1"));
  EXPECT_TRUE(set.is_revoked(RevocationKind::kSession, "sid-1"));
  clock.advance(21min);
  EXPECT_FALSE(set.is_revoked(RevocationKind::kSession, "sid-1"));
}
