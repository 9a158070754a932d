// Production defaults (SPEC §14): auth without PHONEBILL_ENVIRONMENT runs as production —
// no demo users — and refuses to serve while an account still opens with a password the
// project publishes (the demo users', printed in the README).
#include <gtest/gtest.h>

#include "auth_fixture.hpp"
#include "support/test_environment.hpp"

using namespace phonebill;
using namespace phonebill::test_support;
using namespace std::chrono_literals;

// The suite's database holds the demo users (instance 0 runs as `local`): a production
// auth on it names every such account and exits before it serves anything.
TEST_F(AuthTest, ProductionRefusesToServeWhileADemoPasswordOpensAnAccount) {
  auto [status, log] = run_to_exit(
      {.name = "production", .environment = {{"PHONEBILL_ENVIRONMENT", "production"}}}, {}, 60s);
  EXPECT_EQ(status, 1) << "auth served although demo passwords work; log:\n" << log;
  for (const char* user : {"user01", "user02", "user03", "admin"}) {
    EXPECT_NE(log.find(R"("event":"published_password_in_production","userId":")" +
                       std::string{user} + "\""),
              std::string::npos)
        << user << "\n"
        << log;
  }
  EXPECT_EQ(log.find("Adm1nPass!00"), std::string::npos) << "a password reached the log";
  EXPECT_EQ(log.find("Passw0rd!01"), std::string::npos) << "a password reached the log";
}

// Nothing set is production, not local: the same refusal.
TEST_F(AuthTest, WithoutAnEnvironmentAuthRunsAsProduction) {
  auto [status, log] =
      run_to_exit({.name = "unset", .unset_environment = {"PHONEBILL_ENVIRONMENT"}}, {}, 60s);
  EXPECT_EQ(status, 1) << "auth served as local; log:\n" << log;
  EXPECT_NE(log.find("published_password_in_production"), std::string::npos) << log;
}

// A production database without demo accounts: auth serves, and creates none.
TEST_F(AuthTest, ProductionCreatesNoDemoUsers) {
  auto index = start_instance({.name = "fresh-production",
                               .database_dsn = create_database("auth_production"),
                               .environment = {{"PHONEBILL_ENVIRONMENT", "production"}}});
  auto reply = login("admin", "Adm1nPass!00", false, index);
  EXPECT_EQ(reply.status, 401) << reply.body;
  EXPECT_EQ(reply.code(), "AUTH_001") << reply.body;
  auto log = stop_instance(index);
  EXPECT_EQ(log.find("demo_users_ready"), std::string::npos) << log;
}
