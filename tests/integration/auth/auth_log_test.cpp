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

// SPEC §13 logs: the permission check's line carries the request's id and the trace the
// caller's traceparent names (with this hop's span), so it joins the caller's trace.
TEST_F(AuthTest, PermissionCheckLineCarriesTheCallersTrace) {
  const std::string trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  auto tokens = login_ok("user01", "Passw0rd!01");
  auto checked = call(port(), "POST", "/api/v1/auth/permissions/check",
                      json::serialize(json::object{{"serviceType", "BILL_INQUIRY"}}),
                      {{"Authorization", "Bearer " + tokens.access},
                       {"X-Request-Id", "permission-log-1"},
                       {"traceparent", "00-" + trace_id + "-00f067aa0ba902b7-01"}});
  ASSERT_EQ(checked.status, 200) << checked.body;

  auto logs = stop_all_and_collect_logs();
  auto line_start = logs.find("\"requestId\":\"permission-log-1\"");
  std::string line;
  for (; line_start != std::string::npos;
       line_start = logs.find("\"requestId\":\"permission-log-1\"", line_start + 1)) {
    auto begin = logs.rfind('\n', line_start);
    begin = begin == std::string::npos ? 0 : begin + 1;
    auto candidate = logs.substr(begin, logs.find('\n', line_start) - begin);
    if (candidate.find("\"event\":\"permission_checked\"") != std::string::npos) {
      line = candidate;
      break;
    }
  }
  ASSERT_FALSE(line.empty()) << "no permission_checked line for the request";
  auto fields = json::parse(line).as_object();
  EXPECT_EQ(fields.at("traceId").as_string(), trace_id) << line;
  ASSERT_TRUE(fields.contains("spanId")) << line;
  EXPECT_EQ(fields.at("spanId").as_string().size(), 16u) << line;
}
