// Starts one real kos-sim per test binary (its own database, 100 generated customers,
// no simulated latency) and gives tests a small HTTP client for it. Faults are reset
// before every test.
#pragma once
#include <gtest/gtest.h>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "core/billing_month.hpp"

namespace phonebill::test_support {

struct KosReply {
  int status = 0;  // 0: no answer before the deadline (or connection failure)
  bool timed_out = false;
  std::string body;
  boost::json::value json;  // null unless the body is JSON
  std::chrono::milliseconds elapsed{0};

  // Shortcuts into the KOS envelope.
  std::string result_code() const;
  const boost::json::value& data() const;
};

class KosSimTest : public ::testing::Test {
 public:
  static void SetUpTestSuite();
  static void TearDownTestSuite();

 protected:
  void SetUp() override;

  KosReply call(const std::string& method, const std::string& target, const std::string& body = {},
                std::chrono::milliseconds timeout = std::chrono::seconds{10},
                const std::string& extra_header = {});
  KosReply post_json(const std::string& target, const boost::json::value& body,
                     std::chrono::milliseconds timeout = std::chrono::seconds{10});
  // PUT /admin/faults with the given body; asserts it was accepted.
  void set_faults(const boost::json::value& settings);

  static std::uint16_t port();
  // Runs SQL directly on kos-sim's database (to stage data faults KOS can have).
  static void run_sql(const std::string& sql);

 public:
  static BillingMonth current_month();
  static std::string unique_request_id(const std::string& prefix);
};

}  // namespace phonebill::test_support
