// bill-inquiry end to end, through the gateway: one real kos-sim (100 customers, no
// latency), a JWKS served from this process (tokens signed here with a test key), the
// real bill-inquiry binary on its own database and Redis database, and the real gateway
// binary in front of it (rate limits off, short breaker open period). `call()` and
// `inquire()` go client → gateway → bill-inquiry → kos-sim; `call_direct()` talks to
// bill-inquiry itself (its own checks, /metrics). Faults go to kos-sim's admin API;
// Redis is flushed before every test. Entry point: BillInquiryTest.
#pragma once
#include <gtest/gtest.h>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/billing_month.hpp"

namespace phonebill::test_support {

// user01's line in kos-sim's demo data (db/kos), which the tests' tokens name.
inline constexpr const char* kUser01Line = "01012345678";

struct BillReply {
  int status = 0;  // 0: no answer in time
  std::string body;
  boost::json::value json;
  std::chrono::milliseconds elapsed{0};
  std::string header_retry_after;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased

  const boost::json::value& data() const;
  std::string error_code() const;
  std::string source() const;
  std::string header(const std::string& lowercase_name) const;
};

class StandInCollector;

class BillInquiryTest : public ::testing::Test {
 public:
  static void SetUpTestSuite();
  static void TearDownTestSuite();

 protected:
  void SetUp() override;

  // A token for `user` owning `line` with `permissions` (default BILL_INQUIRY).
  static std::string token(const std::string& user, const std::string& line,
                           std::vector<std::string> permissions = {"BILL_INQUIRY"});
  // Through the gateway.
  static BillReply call(const std::string& method, const std::string& target,
                        const std::string& bearer, const std::string& body = {},
                        std::chrono::milliseconds timeout = std::chrono::seconds{10});
  static BillReply inquire(const std::string& bearer, const boost::json::value& body);
  // Straight to bill-inquiry (bypassing the gateway).
  static BillReply call_direct(const std::string& method, const std::string& target,
                               const std::string& bearer, const std::string& body = {},
                               std::chrono::milliseconds timeout = std::chrono::seconds{10});
  static BillReply inquire_direct(const std::string& bearer, const boost::json::value& body);
  // PUT kos-sim /admin/faults.
  static void set_kos_faults(const std::string& json);
  static void reset_kos_faults();
  // One integer from the bill database.
  static std::int64_t sql_count(const std::string& sql);
  // The bill database's URL (its schema is bill-inquiry's, applied at the service's start).
  static const std::string& bill_database_url();
  // Runs `sql` on kos-sim's database; the first column of its first row ("" if none).
  static std::string kos_sql_text(const std::string& sql);
  // A metric's value from bill-inquiry's /metrics (sum over series matching the prefix).
  static double metric(const std::string& series_prefix);
  // The same from the gateway's admin /metrics.
  static double gateway_metric(const std::string& series_prefix);
  // The whole /metrics text of the service listening on `port` ("" when it did not answer 200).
  static std::string metrics_text(std::uint16_t port);
  static std::uint16_t gateway_admin_port();
  // Kills the service with `signal` and starts it again on the same port; returns once
  // the gateway routes to it again.
  static void restart_service(int signal);
  // The two halves of restart_service.
  static void kill_service(int signal);
  static void start_service();
  // Stops or restarts the test Redis is not possible (shared); instead the service can
  // be restarted pointing at an unreachable Redis.
  static void restart_service_with_redis(const std::string& redis_url);

  // Where the gateway, bill-inquiry and kos-sim export their spans (sampling 100 %).
  static const StandInCollector& collector();

  static std::uint16_t port();             // bill-inquiry
  static std::string secrets_directory();  // bill-inquiry's SECRETS_DIR (data-keys/ in it)
  static std::uint16_t gateway_port();     // the gateway's public listener
  static std::uint16_t kos_port();
  static BillingMonth current_month();
};

}  // namespace phonebill::test_support
