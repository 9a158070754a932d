// The outbox end to end (issue 21): real kos-sim, the stand-in MVNO AP server
// (mvno-ap-sim) as a child process, real product-change and bill-inquiry with their
// relays pointed at it (backoff in hundreds of milliseconds, so retries show within
// seconds), a JWKS served from this process, and the real gateway in front of both
// services. The outbox tables and the stand-in's record are readable from tests; the
// stand-in's faults are set through its admin API. Entry point: OutboxTest.
#pragma once
#include <gtest/gtest.h>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace phonebill::test_support {

inline constexpr const char* kCurrentSecret = "test-secret-current";
inline constexpr const char* kOldSecret = "test-secret-old";

struct OutboxReply {
  int status = 0;
  std::string body;
  boost::json::value json;
  std::string text(const std::string& field) const;  // data.<field>
  std::string error_code() const;
};

class OutboxTest : public ::testing::Test {
 public:
  static void SetUpTestSuite();
  static void TearDownTestSuite();

 protected:
  void SetUp() override;

 public:
  static std::string token(const std::string& user, const std::string& line,
                           std::vector<std::string> permissions = {"BILL_INQUIRY",
                                                                   "PRODUCT_CHANGE"});
  // Through the gateway.
  static OutboxReply call(const std::string& method, const std::string& target,
                          const std::string& bearer, const std::string& body = {});
  static OutboxReply change(const std::string& bearer, const std::string& current,
                            const std::string& target);
  static OutboxReply inquiry(const std::string& bearer, const std::string& line);
  static std::string current_plan(const std::string& bearer);
  static std::string fresh_line();

  static void set_kos_faults(const std::string& json);
  static void reset_kos_faults();
  static void set_receiver_faults(const std::string& json);
  static void reset_receiver_faults();
  // GET /admin/received on the stand-in (type / masked line filters when not empty).
  static boost::json::object received(const std::string& type = {}, const std::string& line = {});
  // Polls `done` every 100 ms until true or `limit` passes; its last value.
  static bool eventually(const std::function<bool()>& done, std::chrono::milliseconds limit);

  static std::optional<std::string> product_sql(const std::string& sql);
  static std::optional<std::string> bill_sql(const std::string& sql);
  static std::uint16_t mvno_port();
  static std::uint16_t product_port();

  // SIGKILLs product-change and starts it again on the same port (extra: more variables).
  static void kill_and_restart_product(
      const std::vector<std::pair<std::string, std::string>>& extra = {});
  // A second product-change on the same database, on its own port (stopped by teardown).
  static void start_second_product();
  static std::string product_log();
};

// 010-****-5678 of a canonical line.
std::string masked(const std::string& line);
// A KT plan other than `current`.
std::string other_plan(const std::string& current);

}  // namespace phonebill::test_support
