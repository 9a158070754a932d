// Request validation without HTTP: every field's rule and the canonical forms.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "auth_requests.hpp"
#include "permissions.hpp"
#include "store_support.hpp"

using namespace phonebill;
using namespace phonebill::auth;
namespace json = boost::json;

namespace {

std::vector<std::string> fields(const FieldErrors& errors) {
  std::vector<std::string> names;
  for (const auto& error : errors.list()) names.push_back(error.field);
  return names;
}

}  // namespace

// userId: 3-20 of letters, digits, '_' and '-'.
TEST(AuthRequests, UserIdRule) {
  EXPECT_TRUE(is_valid_user_id("abc"));
  EXPECT_TRUE(is_valid_user_id("A_b-9"));
  EXPECT_TRUE(is_valid_user_id(std::string(20, 'a')));
  EXPECT_FALSE(is_valid_user_id("ab"));
  EXPECT_FALSE(is_valid_user_id(std::string(21, 'a')));
  EXPECT_FALSE(is_valid_user_id("a b"));
  EXPECT_FALSE(is_valid_user_id("사용자1"));
}

// A valid login parses; autoLogin defaults to false; passwords count characters.
TEST(AuthRequests, LoginParsesAndCountsCharacters) {
  FieldErrors errors;
  auto request = parse_login_request(
      json::parse(R"({"userId":"user01","password":"비밀번호비밀번호"})"), errors);
  ASSERT_TRUE(request) << errors.to_json();
  EXPECT_FALSE(request->auto_login);
  EXPECT_EQ(utf8_length("비밀번호"), 4u);
  FieldErrors long_errors;
  EXPECT_FALSE(parse_login_request(
      json::object{{"userId", "user01"}, {"password", std::string(65, 'a')}}, long_errors));
  EXPECT_EQ(fields(long_errors), std::vector<std::string>{"password"});
}

// Every problem is reported at once.
TEST(AuthRequests, LoginReportsEveryField) {
  FieldErrors errors;
  EXPECT_FALSE(parse_login_request(json::object{{"userId", 7}, {"autoLogin", "no"}}, errors));
  EXPECT_EQ(fields(errors), (std::vector<std::string>{"userId", "password", "autoLogin"}));
  FieldErrors body;
  EXPECT_FALSE(parse_login_request(json::value{"text"}, body));
  EXPECT_EQ(fields(body), std::vector<std::string>{"body"});
}

// Create user: the line number is normalised, permissions deduplicated and ordered.
TEST(AuthRequests, CreateUserNormalises) {
  FieldErrors errors;
  auto request = parse_create_user_request(
      json::object{{"userId", "new_user"},
                   {"password", "Secret-pass-1"},
                   {"userName", "홍길동"},
                   {"customerId", "C1"},
                   {"lineNumber", "010-1234-5678"},
                   {"permissions", json::array{"ADMIN", "BILL_INQUIRY", "ADMIN"}}},
      errors);
  ASSERT_TRUE(request) << errors.to_json();
  EXPECT_EQ(request->line_number, "01012345678");
  EXPECT_EQ(request->permissions, (std::vector<std::string>{"BILL_INQUIRY", "ADMIN"}));
}

// Bad permission items are named by index; serviceType must be a permission.
TEST(AuthRequests, PermissionNamesAreChecked) {
  FieldErrors errors;
  EXPECT_FALSE(parse_permissions_request(
      json::object{{"permissions", json::array{"ADMIN", "X", 1}}}, errors));
  EXPECT_EQ(fields(errors), (std::vector<std::string>{"permissions[1]", "permissions[2]"}));
  FieldErrors check;
  EXPECT_FALSE(
      parse_permission_check_request(json::object{{"serviceType", "bill_inquiry"}}, check));
  EXPECT_EQ(fields(check), std::vector<std::string>{"serviceType"});
  EXPECT_TRUE(is_known_permission("PRODUCT_CHANGE"));
}

// Permission lists travel to PostgreSQL as array literals and back as text.
TEST(AuthRequests, PermissionListsRoundTrip) {
  EXPECT_EQ(to_array_literal({}), "{}");
  EXPECT_EQ(to_array_literal({"BILL_INQUIRY", "ADMIN"}), "{BILL_INQUIRY,ADMIN}");
  EXPECT_EQ(split_permissions("BILL_INQUIRY,ADMIN"),
            (std::vector<std::string>{"BILL_INQUIRY", "ADMIN"}));
  EXPECT_TRUE(split_permissions("").empty());
}
