// Starts the real auth binary for each test process (its own database, the harness's
// Redis, its own secrets directory, demo users on) and gives tests a small HTTP client,
// admin helpers, direct SQL, and a second instance sharing the database, Redis and keys
// (another verifier, or a short lock period). Entry point: TEST_F(AuthTest, ...).
#pragma once
#include <gtest/gtest.h>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "support/child_process.hpp"

namespace phonebill::test_support {

struct AuthReply {
  int status = 0;  // 0: no answer (timeout or connection failure)
  std::string body;
  boost::json::value json;  // null unless the body is JSON
  std::chrono::milliseconds elapsed{0};

  std::string code() const;                      // error.code, "" on success
  const boost::json::value& data() const;        // data, null if absent
  const boost::json::value& details() const;     // error.details, null if absent
  std::string text(std::string_view key) const;  // data.<key> as a string, "" if absent
};

// What a successful login or refresh handed out.
struct Tokens {
  std::string access;
  std::string refresh;
};

using Headers = std::vector<std::pair<std::string, std::string>>;

struct InstanceSettings {
  std::string name = "auth";
  std::int64_t lock_seconds = 1800;
  std::string redis_url;                       // empty: the harness's Redis
  std::string database_dsn;                    // empty: the suite's database
  Headers environment;                         // more PHONEBILL_* settings (override the defaults)
  std::vector<std::string> unset_environment;  // settings of deploy/services.conf left out
};

// A process that ended by itself: its exit status and everything it logged.
struct ExitedInstance {
  int status = -1;
  std::string log;
};

class AuthTest : public ::testing::Test {
 public:
  static void SetUpTestSuite();
  static void TearDownTestSuite();

 protected:
  void SetUp() override;

 public:
  // Instance 0 is the primary; start_instance adds more (returns the index).
  static std::size_t start_instance(InstanceSettings settings);
  static std::uint16_t port(std::size_t instance = 0);
  // Runs the auth binary with `settings` (and `arguments`) until it exits by itself: a
  // start that must fail, or a command such as rotate-data-key.
  static ExitedInstance run_to_exit(InstanceSettings settings,
                                    std::vector<std::string> arguments = {},
                                    std::chrono::seconds limit = std::chrono::seconds{60});
  // Stops one instance (graceful) and returns its log; its index stays taken.
  static std::string stop_instance(std::size_t instance);
  // Stops every instance (graceful) and returns their logs concatenated.
  static std::string stop_all_and_collect_logs();

  static AuthReply call(std::uint16_t port, const std::string& method, const std::string& target,
                        const std::string& body = {}, const Headers& headers = {});
  static AuthReply post(const std::string& target, const boost::json::value& body,
                        const std::string& bearer = {}, std::size_t instance = 0);
  static AuthReply get(const std::string& target, const std::string& bearer = {},
                       std::size_t instance = 0);
  static AuthReply put(const std::string& target, const boost::json::value& body,
                       const std::string& bearer = {}, std::size_t instance = 0);
  static AuthReply login(const std::string& user_id, const std::string& password,
                         bool auto_login = false, std::size_t instance = 0);
  // Logs in and asserts success.
  static Tokens login_ok(const std::string& user_id, const std::string& password,
                         std::size_t instance = 0);
  static const std::string& admin_access_token();
  // Creates a user with kUserPassword through the admin API; returns its id.
  static std::string create_user(const std::string& prefix,
                                 std::vector<std::string> permissions = {"BILL_INQUIRY"});
  // First column of the first row of `sql` on auth's database, or on `dsn` ("" if no row).
  static std::string sql_value(const std::string& sql, const std::string& dsn = {});

  static const std::string& secrets_directory();
  static const std::string& database_dsn();

  static constexpr const char* kUserPassword = "Correct-horse-9";
};

}  // namespace phonebill::test_support
