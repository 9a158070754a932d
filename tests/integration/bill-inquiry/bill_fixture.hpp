// bill-inquiry end to end: one real kos-sim (100 customers, no latency), a JWKS served
// from this process (tokens signed here with a test key), and the real bill-inquiry
// binary on its own database and Redis database. Faults go to kos-sim's admin API;
// Redis is flushed before every test. Entry point: BillInquiryTest.
#pragma once
#include <boost/json/value.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/billing_month.hpp"

namespace phonebill::test_support {

struct BillReply {
  int status = 0;  // 0: no answer in time
  std::string body;
  boost::json::value json;
  std::chrono::milliseconds elapsed{0};
  std::string header_retry_after;

  const boost::json::value& data() const;
  std::string error_code() const;
  std::string source() const;
};

class BillInquiryTest : public ::testing::Test {
 public:
  static void SetUpTestSuite();
  static void TearDownTestSuite();

 protected:
  void SetUp() override;

  // A token for `user` owning `line` with `permissions` (default BILL_INQUIRY).
  static std::string token(const std::string& user, const std::string& line,
                           std::vector<std::string> permissions = {"BILL_INQUIRY"});
  static BillReply call(const std::string& method, const std::string& target,
                        const std::string& bearer, const std::string& body = {},
                        std::chrono::milliseconds timeout = std::chrono::seconds{10});
  static BillReply inquire(const std::string& bearer, const boost::json::value& body);
  // PUT kos-sim /admin/faults.
  static void set_kos_faults(const std::string& json);
  static void reset_kos_faults();
  // One integer from the bill database.
  static std::int64_t sql_count(const std::string& sql);
  // A metric's value from bill-inquiry's /metrics (sum over series matching the prefix).
  static double metric(const std::string& series_prefix);
  // Kills the service with `signal` and starts it again on the same port.
  static void restart_service(int signal);
  // Stops or restarts the test Redis is not possible (shared); instead the service can
  // be restarted pointing at an unreachable Redis.
  static void restart_service_with_redis(const std::string& redis_url);

  static std::uint16_t port();
  static BillingMonth current_month();
};

}  // namespace phonebill::test_support
