// Session lifetime and refresh decisions without a database: idle timeout, the 24-hour
// autoLogin end, reuse detection first.
#include <gtest/gtest.h>

#include "session_rules.hpp"

using namespace phonebill;
using namespace phonebill::auth;
using namespace std::chrono_literals;

namespace {

const SystemTime kLogin{std::chrono::seconds{1'790'000'000}};

RefreshTokenRecord token(bool auto_login, SystemTime last_used = kLogin) {
  SessionPolicy policy;
  RefreshTokenRecord record;
  record.session.session_id = "s1";
  record.session.user_id = "user01";
  record.session.auto_login = auto_login;
  record.session.created_at = kLogin;
  record.session.last_used_at = last_used;
  record.session.expires_at = absolute_expiry(kLogin, policy);
  return record;
}

}  // namespace

// Without autoLogin the session dies 30 minutes after the last token was issued.
TEST(SessionRules, IdleSessionExpiresAfterThirtyMinutes) {
  SessionPolicy policy;
  EXPECT_EQ(decide_refresh(token(false), policy, kLogin + 29min), RefreshDecision::kRotate);
  EXPECT_EQ(decide_refresh(token(false), policy, kLogin + 30min), RefreshDecision::kExpired);
  // Each refresh moves the idle clock.
  EXPECT_EQ(decide_refresh(token(false, kLogin + 20min), policy, kLogin + 49min),
            RefreshDecision::kRotate);
  EXPECT_EQ(session_expiry(token(false, kLogin + 20min).session, policy), kLogin + 50min);
}

// Even an active session without autoLogin ends at the absolute limit.
TEST(SessionRules, ActiveSessionEndsAtTheAbsoluteLimit) {
  SessionPolicy policy;
  auto busy = token(false, kLogin + 23h + 50min);
  EXPECT_EQ(session_expiry(busy.session, policy), kLogin + 24h);
  EXPECT_EQ(decide_refresh(busy, policy, kLogin + 24h), RefreshDecision::kExpired);
}

// With autoLogin idleness does not matter; 24 hours after login it ends.
TEST(SessionRules, AutoLoginSessionLastsTwentyFourHours) {
  SessionPolicy policy;
  EXPECT_EQ(decide_refresh(token(true), policy, kLogin + 23h), RefreshDecision::kRotate);
  EXPECT_EQ(decide_refresh(token(true), policy, kLogin + 24h), RefreshDecision::kExpired);
}

// Reuse is reported before revocation or expiry; unknown tokens are unknown.
TEST(SessionRules, ReuseIsDetectedFirst) {
  SessionPolicy policy;
  auto reused = token(false);
  reused.rotated = true;
  reused.session.revoked = true;
  EXPECT_EQ(decide_refresh(reused, policy, kLogin + 48h), RefreshDecision::kReused);
  auto revoked = token(false);
  revoked.session.revoked = true;
  EXPECT_EQ(decide_refresh(revoked, policy, kLogin + 1min), RefreshDecision::kRevoked);
  EXPECT_EQ(decide_refresh(std::nullopt, policy, kLogin), RefreshDecision::kUnknown);
}
