// The in-memory revocation set: what is revoked, for how long, and what it refuses.
#include <gtest/gtest.h>

#include "security/revocation_set.hpp"

namespace phonebill::security {
namespace {

using namespace std::chrono_literals;

// A revoked jti is revoked until its TTL passes, then forgotten.
TEST(RevocationSetTest, RevocationExpiresAfterItsTtl) {
  ManualClock clock;
  RevocationSet set{clock};
  set.revoke(RevocationKind::kToken, "jti-1", 30min);
  EXPECT_TRUE(set.is_revoked(RevocationKind::kToken, "jti-1"));
  EXPECT_FALSE(set.is_revoked(RevocationKind::kSession, "jti-1"));
  EXPECT_FALSE(set.is_revoked(RevocationKind::kToken, "jti-2"));
  clock.advance(30min - 1s);
  EXPECT_TRUE(set.is_revoked(RevocationKind::kToken, "jti-1"));
  clock.advance(1s);
  EXPECT_FALSE(set.is_revoked(RevocationKind::kToken, "jti-1"));
  EXPECT_EQ(set.size(), 1u);
  EXPECT_EQ(set.purge_expired(), 1u);
  EXPECT_EQ(set.size(), 0u);
}

// A repeat can extend a revocation but never shorten it (a late resync with a smaller
// remaining TTL must not undo a longer one).
TEST(RevocationSetTest, RepeatsExtendButNeverShorten) {
  ManualClock clock;
  RevocationSet set{clock};
  set.revoke(RevocationKind::kSession, "sid-1", 10min);
  set.revoke(RevocationKind::kSession, "sid-1", 1min);
  clock.advance(5min);
  EXPECT_TRUE(set.is_revoked(RevocationKind::kSession, "sid-1"));
  set.revoke(RevocationKind::kSession, "sid-1", 20min);
  clock.advance(15min);
  EXPECT_TRUE(set.is_revoked(RevocationKind::kSession, "sid-1"));
}

// A token is revoked when its jti or its session is.
TEST(RevocationSetTest, TokenIsRevokedByJtiOrSession) {
  ManualClock clock;
  RevocationSet set{clock};
  VerifiedToken token;
  token.token_id = "jti-1";
  token.session_id = "sid-1";
  EXPECT_FALSE(set.is_revoked(token));
  set.revoke(RevocationKind::kSession, "sid-1", 1min);
  EXPECT_TRUE(set.is_revoked(token));
  clock.advance(2min);
  EXPECT_FALSE(set.is_revoked(token));
  set.revoke(RevocationKind::kToken, "jti-1", 1min);
  EXPECT_TRUE(set.is_revoked(token));
}

// Empty, overlong or blank-containing ids and non-positive TTLs are ignored; TTLs are
// capped at a day.
TEST(RevocationSetTest, RefusesNonsense) {
  ManualClock clock;
  RevocationSet set{clock};
  set.revoke(RevocationKind::kToken, "", 1min);
  set.revoke(RevocationKind::kToken, std::string(kMaxRevokedIdLength + 1, 'a'), 1min);
  set.revoke(RevocationKind::kToken, "has space", 1min);
  set.revoke(RevocationKind::kToken, "ok", 0ms);
  set.revoke(RevocationKind::kToken, "ok", -5ms);
  EXPECT_EQ(set.size(), 0u);
  EXPECT_FALSE(set.is_revoked(RevocationKind::kToken, ""));
  set.revoke(RevocationKind::kToken, "long", 1000h);
  clock.advance(kMaxRevocationTtl);
  EXPECT_FALSE(set.is_revoked(RevocationKind::kToken, "long"));
}

// Expired entries are purged by themselves as revocations keep coming.
TEST(RevocationSetTest, ExpiredEntriesArePurgedAsRevocationsArrive) {
  ManualClock clock;
  RevocationSet set{clock};
  for (int index = 0; index < 1000; ++index) {
    set.revoke(RevocationKind::kToken, "old-" + std::to_string(index), 1min);
  }
  clock.advance(2min);
  for (int index = 0; index < 1100; ++index) {
    set.revoke(RevocationKind::kToken, "new-" + std::to_string(index), 1min);
  }
  EXPECT_LT(set.size(), 1100u + 100u);
}

// Kind names are the wire's "jti" and "sid".
TEST(RevocationKindTest, NamesRoundTrip) {
  EXPECT_EQ(to_string(RevocationKind::kToken), "jti");
  EXPECT_EQ(to_string(RevocationKind::kSession), "sid");
  EXPECT_EQ(parse_revocation_kind("sid"), RevocationKind::kSession);
  EXPECT_FALSE(parse_revocation_kind("user"));
}

}  // namespace
}  // namespace phonebill::security
