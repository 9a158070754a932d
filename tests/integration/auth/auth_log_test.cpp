// SPEC §10: no password, access token or refresh token appears in any log line. Runs a
// scenario touching every path that handles them (logins right and wrong, unknown ids,
// a lock, refresh, reuse, logout, admin create), on two instances at debug level, then
// searches their whole logs for each secret.
#include <boost/json.hpp>

#include "auth_fixture.hpp"

using namespace phonebill;
using namespace phonebill::test_support;
namespace json = boost::json;

// Nothing secret reaches the logs, whatever happened.
TEST_F(AuthTest, LogsNeverContainPasswordsOrTokens) {
  auto other = start_instance(InstanceSettings{"auth-second"});
  std::vector<std::string> secrets{"Passw0rd!01", "Adm1nPass!00", kUserPassword, "Wrong-Secret-77",
                                   "Typed-In-UserId-Field"};
  auto user = create_user("logscan");
  auto add_tokens = [&](const AuthReply& reply) {
    if (!reply.text("accessToken").empty()) secrets.push_back(reply.text("accessToken"));
    if (!reply.text("refreshToken").empty()) secrets.push_back(reply.text("refreshToken"));
  };
  add_tokens(login("user01", "Passw0rd!01"));
  add_tokens(login("admin", "Adm1nPass!00", true));
  secrets.push_back(admin_access_token());
  for (int attempt = 0; attempt < 6; ++attempt) login(user, "Wrong-Secret-77");
  login("Typed-In-UserId-Field", "Wrong-Secret-77", false, other);

  auto created = post("/api/v1/admin/users",
                      json::object{{"userId", "logscan_new"},
                                   {"password", "Brand-New-Pass-5"},
                                   {"userName", "로그"},
                                   {"customerId", "C7"},
                                   {"lineNumber", "01077778888"},
                                   {"permissions", json::array{}}},
                      admin_access_token());
  ASSERT_EQ(created.status, 201) << created.body;
  secrets.push_back("Brand-New-Pass-5");

  auto first = login("logscan_new", "Brand-New-Pass-5");
  add_tokens(first);
  auto rotated = call(port(), "POST", "/api/v1/auth/refresh",
                      json::serialize(json::object{{"refreshToken", first.text("refreshToken")}}));
  add_tokens(rotated);
  call(port(), "POST", "/api/v1/auth/refresh",  // reuse
       json::serialize(json::object{{"refreshToken", first.text("refreshToken")}}));
  auto session = login("user01", "Passw0rd!01", false, other);
  add_tokens(session);
  get("/api/v1/auth/me", session.text("accessToken"), other);
  post("/api/v1/auth/logout", json::object{}, session.text("accessToken"), other);
  get("/api/v1/auth/me", session.text("accessToken"));
  get("/api/v1/auth/me", session.text("accessToken") + "x");

  auto logs = stop_all_and_collect_logs();
  ASSERT_GT(logs.size(), 1000u);
  ASSERT_NE(logs.find("\"event\":\"login_succeeded\""), std::string::npos);
  ASSERT_NE(logs.find("\"event\":\"refresh_token_reused\""), std::string::npos);
  for (const auto& secret : secrets) {
    ASSERT_FALSE(secret.empty());
    EXPECT_EQ(logs.find(secret), std::string::npos)
        << "found a secret in the logs: " << secret.substr(0, 6) << "...";
    // Not even a token's signature or payload part on its own.
    for (auto part_start = secret.find('.'); part_start != std::string::npos;
         part_start = secret.find('.', part_start + 1)) {
      auto part = secret.substr(part_start + 1, 40);
      if (part.size() >= 20) {
        EXPECT_EQ(logs.find(part), std::string::npos);
      }
    }
  }
}
