// The ADMIN endpoints and the caller's permission views: non-admins are refused, users
// are created (409 on a taken id), permission changes end old sessions, every
// permission check is logged.
#include <boost/json.hpp>

#include "auth_fixture.hpp"
#include "support/promtool.hpp"

using namespace phonebill;
using namespace phonebill::test_support;
namespace json = boost::json;

namespace {

json::object new_user_body(const std::string& user_id) {
  return json::object{{"userId", user_id},           {"password", "Another-pass-1"},
                      {"userName", "새 사용자"},     {"customerId", "C900000002"},
                      {"lineNumber", "01033334444"}, {"permissions", json::array{"BILL_INQUIRY"}}};
}

}  // namespace

// Metric hygiene (SPEC §13): after a login auth's /metrics passes `promtool check metrics`
// and carries the process and build families.
TEST_F(AuthTest, MetricsPassPromtool) {
  login_ok("user01", "Passw0rd!01");
  auto metrics = call(port(), "GET", "/metrics");
  ASSERT_EQ(metrics.status, 200);
  for (const char* family : {"\nprocess_cpu_seconds_total ", "\nphonebill_build_info{"})
    EXPECT_NE(metrics.body.find(family), std::string::npos) << family;
  auto verdict = promtool_check_metrics(metrics.body);
  if (!verdict.available) GTEST_SKIP() << "promtool (Debian prometheus) is not installed";
  EXPECT_EQ(verdict.exit_code, 0) << verdict.output;
  EXPECT_EQ(verdict.output, "");
}

// A user without ADMIN gets 403 FORBIDDEN on every admin endpoint; no token gets 401.
TEST_F(AuthTest, AdminEndpointsRefuseNonAdmins) {
  auto token = login_ok("user01", "Passw0rd!01").access;
  auto created = post("/api/v1/admin/users", new_user_body("sneaky1"), token);
  EXPECT_EQ(created.status, 403);
  EXPECT_EQ(created.code(), "FORBIDDEN");
  EXPECT_EQ(created.json.at("error").at("message"), "서비스 이용 권한이 없습니다");
  EXPECT_EQ(put("/api/v1/admin/users/user01/permissions",
                json::object{{"permissions", json::array{"ADMIN"}}}, token)
                .code(),
            "FORBIDDEN");
  EXPECT_EQ(post("/api/v1/admin/users/user01/unlock", json::object{}, token).code(), "FORBIDDEN");
  EXPECT_EQ(get("/api/v1/admin/users/user01/login-history", token).code(), "FORBIDDEN");
  EXPECT_EQ(post("/api/v1/admin/users", new_user_body("sneaky2")).code(), "UNAUTHORIZED");
  EXPECT_EQ(sql_value("SELECT count(*) FROM users WHERE user_id LIKE 'sneaky%'"), "0");
}

// An admin creates a user (201) who can log in; the same id again is 409.
TEST_F(AuthTest, AdminCreatesUserAndDuplicateIsConflict) {
  auto created = post("/api/v1/admin/users", new_user_body("fresh_user"), admin_access_token());
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.data().at("userId"), "fresh_user");
  EXPECT_EQ(created.data().at("lineNumber"), "01033334444");
  EXPECT_EQ(created.data().at("lastLoginAt"), nullptr);
  EXPECT_EQ(login("fresh_user", "Another-pass-1").status, 200);
  auto duplicate = post("/api/v1/admin/users", new_user_body("fresh_user"), admin_access_token());
  EXPECT_EQ(duplicate.status, 409);
  EXPECT_EQ(duplicate.code(), "USER_ALREADY_EXISTS");
  // Argon2id, never the password itself.
  EXPECT_TRUE(sql_value("SELECT password_hash FROM users WHERE user_id = 'fresh_user'")
                  .starts_with("$argon2id$"));
}

// New permissions end the user's sessions; the next login carries the new set.
TEST_F(AuthTest, PermissionChangeEndsSessionsAndAppliesOnNextLogin) {
  auto user = create_user("promote", {"BILL_INQUIRY"});
  auto before = login_ok(user, kUserPassword);
  auto changed = put("/api/v1/admin/users/" + user + "/permissions",
                     json::object{{"permissions", json::array{"PRODUCT_CHANGE", "BILL_INQUIRY"}}},
                     admin_access_token());
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(changed.data().at("permissions"), (json::array{"BILL_INQUIRY", "PRODUCT_CHANGE"}));
  EXPECT_EQ(get("/api/v1/auth/me", before.access).code(), "TOKEN_REVOKED");
  auto after = login_ok(user, kUserPassword);
  auto permissions = get("/api/v1/auth/permissions", after.access);
  ASSERT_EQ(permissions.status, 200) << permissions.body;
  const auto& list = permissions.data().as_array();
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].at("permission"), "BILL_INQUIRY");
  EXPECT_EQ(list[0].at("granted"), true);
  EXPECT_EQ(list[1].at("granted"), true);
  EXPECT_EQ(list[2].at("permission"), "ADMIN");
  EXPECT_EQ(list[2].at("granted"), false);
  EXPECT_FALSE(list[2].at("description").as_string().empty());
  EXPECT_EQ(put("/api/v1/admin/users/nobody_here/permissions",
                json::object{{"permissions", json::array{}}}, admin_access_token())
                .status,
            404);
}

// permissions/check answers from the user's permissions and logs every check.
TEST_F(AuthTest, PermissionChecksAreAnsweredAndLogged) {
  auto user = create_user("checker", {"BILL_INQUIRY"});
  auto token = login_ok(user, kUserPassword).access;
  auto granted =
      post("/api/v1/auth/permissions/check", json::object{{"serviceType", "BILL_INQUIRY"}}, token);
  ASSERT_EQ(granted.status, 200) << granted.body;
  EXPECT_EQ(granted.data().at("serviceType"), "BILL_INQUIRY");
  EXPECT_EQ(granted.data().at("hasPermission"), true);
  auto refused = post("/api/v1/auth/permissions/check",
                      json::object{{"serviceType", "PRODUCT_CHANGE"}}, token);
  ASSERT_EQ(refused.status, 200);
  EXPECT_EQ(refused.data().at("hasPermission"), false);
  EXPECT_EQ(sql_value("SELECT count(*) FROM permission_checks WHERE user_id = '" + user + "'"),
            "2");
  EXPECT_EQ(sql_value("SELECT count(*) FROM permission_checks WHERE user_id = '" + user +
                      "' AND granted"),
            "1");
}
