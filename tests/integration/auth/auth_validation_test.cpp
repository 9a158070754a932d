// Every field of every body is validated: VALIDATION_ERROR with details naming the field,
// INVALID_JSON for a body that is not JSON (SPEC §2).
#include <boost/json.hpp>

#include <set>

#include "auth_fixture.hpp"

using namespace phonebill;
using namespace phonebill::test_support;
namespace json = boost::json;

namespace {

// The fields VALIDATION_ERROR.details names.
std::set<std::string> bad_fields(const AuthReply& reply) {
  std::set<std::string> fields;
  if (!reply.details().is_array()) return fields;
  for (const auto& item : reply.details().as_array())
    fields.insert(std::string{item.at("field").as_string()});
  return fields;
}

void expect_invalid(const AuthReply& reply, const std::set<std::string>& fields) {
  EXPECT_EQ(reply.status, 400) << reply.body;
  EXPECT_EQ(reply.code(), "VALIDATION_ERROR") << reply.body;
  EXPECT_EQ(bad_fields(reply), fields) << reply.body;
}

json::object user_body() {
  return json::object{{"userId", "valid_id"},
                      {"password", "Valid-pass-1"},
                      {"userName", "이름"},
                      {"customerId", "C1"},
                      {"lineNumber", "010-1234-0000"},
                      {"permissions", json::array{"ADMIN"}}};
}

}  // namespace

// Login: userId shape, password length (in characters), autoLogin type, body shape.
TEST_F(AuthTest, LoginValidatesEveryField) {
  auto login_body = [](json::value user, json::value password, json::value auto_login = nullptr) {
    json::object body{{"userId", user}, {"password", password}};
    if (!auto_login.is_null()) body["autoLogin"] = auto_login;
    return body;
  };
  expect_invalid(post("/api/v1/auth/login", json::object{}), {"userId", "password"});
  expect_invalid(post("/api/v1/auth/login", login_body("ab", "Passw0rd!01")), {"userId"});
  expect_invalid(post("/api/v1/auth/login", login_body("abcdefghijklmnopqrstu", "Passw0rd!01")),
                 {"userId"});
  expect_invalid(post("/api/v1/auth/login", login_body("user 01", "Passw0rd!01")), {"userId"});
  expect_invalid(post("/api/v1/auth/login", login_body(12345, "Passw0rd!01")), {"userId"});
  expect_invalid(post("/api/v1/auth/login", login_body("user01", "1234567")), {"password"});
  expect_invalid(post("/api/v1/auth/login", login_body("user01", json::string(65, 'x'))),
                 {"password"});
  expect_invalid(post("/api/v1/auth/login", login_body("user01", true)), {"password"});
  expect_invalid(post("/api/v1/auth/login", login_body("user01", "Passw0rd!01", "yes")),
                 {"autoLogin"});
  expect_invalid(post("/api/v1/auth/login", json::array{}), {"body"});
  // 8 Korean characters are 8 characters (24 bytes), so they pass the length rule.
  EXPECT_EQ(post("/api/v1/auth/login", login_body("user01", "비밀번호비밀번호")).code(),
            "AUTH_001");
  auto malformed = call(port(), "POST", "/api/v1/auth/login", "{\"userId\": ");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(malformed.code(), "INVALID_JSON");
}

// Refresh: refreshToken required, a string, 1-512 characters.
TEST_F(AuthTest, RefreshValidatesItsField) {
  expect_invalid(post("/api/v1/auth/refresh", json::object{}), {"refreshToken"});
  expect_invalid(post("/api/v1/auth/refresh", json::object{{"refreshToken", 42}}),
                 {"refreshToken"});
  expect_invalid(post("/api/v1/auth/refresh", json::object{{"refreshToken", ""}}),
                 {"refreshToken"});
  expect_invalid(
      post("/api/v1/auth/refresh", json::object{{"refreshToken", json::string(513, 'a')}}),
      {"refreshToken"});
}

// Create user: every field, each reported by name (array items by index).
TEST_F(AuthTest, CreateUserValidatesEveryField) {
  const auto& admin = admin_access_token();
  expect_invalid(post("/api/v1/admin/users", json::object{}, admin),
                 {"userId", "password", "userName", "customerId", "lineNumber", "permissions"});
  auto with = [](std::string_view key, json::value value) {
    auto body = user_body();
    body[key] = std::move(value);
    return body;
  };
  expect_invalid(post("/api/v1/admin/users", with("userId", "x!"), admin), {"userId"});
  expect_invalid(post("/api/v1/admin/users", with("password", "short"), admin), {"password"});
  expect_invalid(post("/api/v1/admin/users", with("userName", "   "), admin), {"userName"});
  expect_invalid(post("/api/v1/admin/users", with("userName", json::string(51, 'a')), admin),
                 {"userName"});
  expect_invalid(post("/api/v1/admin/users", with("customerId", ""), admin), {"customerId"});
  expect_invalid(post("/api/v1/admin/users", with("customerId", "C 1"), admin), {"customerId"});
  expect_invalid(post("/api/v1/admin/users", with("lineNumber", "02-123-4567"), admin),
                 {"lineNumber"});
  expect_invalid(post("/api/v1/admin/users", with("permissions", "ADMIN"), admin), {"permissions"});
  expect_invalid(
      post("/api/v1/admin/users", with("permissions", json::array{"ADMIN", "ROOT", 3}), admin),
      {"permissions[1]", "permissions[2]"});
}

// Set permissions, permission check, the {id} path parameter and paging parameters.
TEST_F(AuthTest, OtherEndpointsValidateTheirFields) {
  const auto& admin = admin_access_token();
  expect_invalid(put("/api/v1/admin/users/user02/permissions", json::object{}, admin),
                 {"permissions"});
  expect_invalid(put("/api/v1/admin/users/user02/permissions",
                     json::object{{"permissions", json::array{"SUPERUSER"}}}, admin),
                 {"permissions[0]"});
  expect_invalid(
      put("/api/v1/admin/users/x/permissions", json::object{{"permissions", json::array{}}}, admin),
      {"userId"});
  expect_invalid(post("/api/v1/admin/users/a%20b/unlock", json::object{}, admin), {"userId"});
  expect_invalid(post("/api/v1/auth/permissions/check", json::object{}, admin), {"serviceType"});
  expect_invalid(
      post("/api/v1/auth/permissions/check", json::object{{"serviceType", "BILLING"}}, admin),
      {"serviceType"});
  expect_invalid(get("/api/v1/auth/login-history?page=0&size=101", admin), {"page", "size"});
  expect_invalid(get("/api/v1/auth/login-history?size=abc", admin), {"size"});
}
