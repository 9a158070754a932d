// product-change end to end, through the gateway: one real kos-sim (100 customers, no
// latency), a JWKS served from this process (tokens signed here), the real product-change
// binary on its own database, and the real gateway in front (every call goes through
// it). Faults go to kos-sim's admin API; the KOS and product databases and Redis are
// readable (and writable, to make a cache stale on purpose) from tests. Redis is flushed
// before every test. Entry point: ProductChangeTest.
#pragma once
#include <gtest/gtest.h>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace phonebill::test_support {

struct ProductReply {
  int status = 0;  // 0: no answer in time
  std::string body;
  boost::json::value json;

  const boost::json::value& data() const;
  std::string error_code() const;
  const boost::json::value& error_details() const;
  // data.<field> as text ("" when absent or not a string).
  std::string text(const std::string& field) const;
};

class ProductChangeTest : public ::testing::Test {
 public:
  static void SetUpTestSuite();
  static void TearDownTestSuite();

 protected:
  void SetUp() override;

 public:  // also for the tests' free helper functions
  // A token for `user` owning `line` (default permissions: both of user01's).
  static std::string token(const std::string& user, const std::string& line,
                           std::vector<std::string> permissions = {"BILL_INQUIRY",
                                                                   "PRODUCT_CHANGE"});
  // Through the gateway (`direct`: straight to product-change).
  static ProductReply call(const std::string& method, const std::string& target,
                           const std::string& bearer, const std::string& body = {},
                           const std::string& idempotency_key = {}, bool direct = false);
  static ProductReply change(const std::string& bearer, const std::string& current,
                             const std::string& target, const std::string& idempotency_key = {});
  // The line's current plan code as the menu shows it.
  static std::string current_plan(const std::string& bearer);

  // An ACTIVE KT line no other test has used (scenario lines excluded).
  static std::string fresh_line();
  static void set_kos_faults(const std::string& json);
  static void reset_kos_faults();
  // The first column of the first row of `sql` on the KOS / product database, as text.
  static std::optional<std::string> kos_sql(const std::string& sql);
  static std::optional<std::string> product_sql(const std::string& sql);
  // The suite's product database (its DSN), and `sql` on any database.
  static std::string product_database_url();
  static std::optional<std::string> sql_on(const std::string& dsn, const std::string& sql);
  static std::optional<std::string> redis_get(const std::string& key);
  static void redis_set(const std::string& key, const std::string& value);
  // The service's data keys (it creates them in the suite's secrets directory at its first
  // start): a change's line is sealed, so SQL finds its rows by `line_is(line)` (a
  // condition on the blind index); a line's cache keys name its index, and their values
  // are sealed for the key.
  static std::string line_is(const std::string& line);
  static std::string cache_line_key(const std::string& line);
  static std::string cache_status_key(const std::string& line);
  static std::string seal_cache_value(const std::string& key, const std::string& text);
  static std::optional<std::string> open_cache_value(const std::string& key,
                                                     const std::string& value);
  // SIGKILLs product-change and starts it again on the same port.
  static void kill_and_restart_service();
  // Stops product-change and starts it again on the same port with `redis_url` (the
  // test Redis is shared and cannot be stopped; an unreachable URL stands in for an outage).
  static void restart_service_with_redis(const std::string& redis_url);
  // Stops product-change and starts it again with these environment variables replacing
  // the fixture's (none: the fixture's own settings again).
  static void restart_service_with(
      const std::vector<std::pair<std::string, std::string>>& overrides);
  static std::string service_log();
};

// A KT plan other than `current` (the two LTE plans every seeded line can switch between).
std::string other_kt_plan(const std::string& current);

}  // namespace phonebill::test_support
