// auth's configuration from an environment map: defaults, overrides, refusals.
#include <gtest/gtest.h>

#include "auth_config.hpp"

using namespace phonebill;
using namespace phonebill::auth;
using namespace std::chrono_literals;

// The SPEC §3 numbers are the defaults; without PHONEBILL_ENVIRONMENT auth runs as
// production (SPEC §14): no demo users.
TEST(AuthConfig, DefaultsFollowTheSpec) {
  auto config =
      AuthConfig::load(Environment::from_map({{"PHONEBILL_DATABASE_URL", "postgresql://x/y"}}));
  EXPECT_EQ(config.server.port, 8081);
  EXPECT_EQ(config.lockout.max_failures, 5);
  EXPECT_EQ(config.lockout.lock_duration, 30min);
  EXPECT_EQ(config.sessions.access_token_lifetime, 30min);
  EXPECT_EQ(config.sessions.idle_timeout, 30min);
  EXPECT_EQ(config.sessions.absolute_lifetime, 24h);
  EXPECT_FALSE(config.seeds_demo_users());
  EXPECT_EQ(config.environment, DeploymentEnvironment::kProduction);
  EXPECT_EQ(config.session_revocation_ttl(), 31min);
}

// Only an explicit `local` seeds the demo users.
TEST(AuthConfig, LocalSeedsDemoUsers) {
  auto config = AuthConfig::load(Environment::from_map(
      {{"PHONEBILL_DATABASE_URL", "postgresql://x/y"}, {"PHONEBILL_ENVIRONMENT", "local"}}));
  EXPECT_TRUE(config.seeds_demo_users());
}

// Tests shorten the lock; production never seeds demo users.
TEST(AuthConfig, OverridesAndProduction) {
  auto config =
      AuthConfig::load(Environment::from_map({{"PHONEBILL_DATABASE_URL", "postgresql://x/y"},
                                              {"PHONEBILL_AUTH_LOCK_SECONDS", "2"},
                                              {"PHONEBILL_ENVIRONMENT", "production"}}));
  EXPECT_EQ(config.lockout.lock_duration, 2s);
  EXPECT_FALSE(config.seeds_demo_users());
}

// A missing database or an unknown environment stops start-up.
TEST(AuthConfig, RefusesBadSettings) {
  EXPECT_THROW(AuthConfig::load(Environment::from_map({})), ConfigError);
  EXPECT_THROW(
      AuthConfig::load(Environment::from_map(
          {{"PHONEBILL_DATABASE_URL", "postgresql://x/y"}, {"PHONEBILL_ENVIRONMENT", "staging"}})),
      ConfigError);
  EXPECT_THROW(
      AuthConfig::load(Environment::from_map(
          {{"PHONEBILL_DATABASE_URL", "postgresql://x/y"}, {"PHONEBILL_AUTH_LOCK_SECONDS", "0"}})),
      ConfigError);
}
