// Records written before db/product/003 (issue 13: the database keeps domain states and
// KOS codes, never HTTP answers): rows inserted as the old schema had them — with the
// HTTP status and API error code they were answered with — are migrated by the service's
// own start-up, and then answer exactly as before, on an Idempotency-Key replay and on a
// lookup by id, through the gateway.
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include <filesystem>

#include "product_fixture.hpp"
#include "storage/migrations.hpp"
#include "storage/pg_pool.hpp"
#include "support/coroutine_test.hpp"
#include "support/test_environment.hpp"

namespace phonebill::test_support {
namespace {

using ProductStoredOutcomes = ProductChangeTest;

// A database at the schema before 003 (001 and 002 applied, as a service of then did).
std::string database_before_003() {
  auto database = create_database("productold");
  auto directory = make_temp_directory("product-old-schema");
  for (const char* file : {"001_schema.sql", "002_reconcile_lease.sql"})
    std::filesystem::copy_file(source_directory() + "/db/product/" + file, directory / file);
  boost::asio::io_context io;
  storage::PgPool pool{io, storage::PgPoolOptions{database, 1}};
  auto migrated = run_coroutine(
      io, storage::run_migrations(pool, directory, deadline_after(std::chrono::seconds{30})));
  EXPECT_TRUE(migrated) << storage::describe(migrated.error());
  return database;
}

void run_sql(const std::string& database, const std::string& sql) {
  boost::asio::io_context io;
  storage::PgPool pool{io, storage::PgPoolOptions{database, 1}};
  auto done = run_coroutine(
      io, pool.query(sql, storage::PgParams{}, deadline_after(std::chrono::seconds{10})));
  EXPECT_TRUE(done) << storage::describe(done.error()) << "\n" << sql;
}

std::string error_message(const ProductReply& reply) {
  const auto& error = reply.json.at("error");
  return std::string{error.at("message").as_string()};
}

TEST_F(ProductStoredOutcomes, RowsFromTheOldSchemaAnswerAsBefore) {
  struct Restore {
    ~Restore() { ProductChangeTest::restart_service_with({}); }
  } restore;
  auto line = fresh_line();
  auto database = database_before_003();
  // As the service before 003 wrote them: http_status + result_code + message answered.
  std::string insert =
      "INSERT INTO product_changes (request_id, user_id, line_number, previous_product_code, "
      "previous_product_name, target_product_code, target_product_name, status, "
      "idempotency_key, fingerprint, http_status, result_code, result_message, "
      "kos_result_code, checks, kos_order_number, effective_date, requested_at, updated_at, "
      "processed_at) VALUES ";
  auto row = [&](const std::string& id, const std::string& target, const std::string& status,
                 const std::string& http, const std::string& code, const std::string& message,
                 const std::string& kos_code, const std::string& checks, const std::string& order) {
    return "('" + id + "', 'legacy', '" + line + "', 'LTE-BASIC-001', 'LTE 베이직', '" + target +
           "', '" + target + "', '" + status + "', 'key-" + id + "', '" + line + "|LTE-BASIC-001|" +
           target + "', " + http + ", " + code + ", " + message + ", " + kos_code + ", " + checks +
           ", " + order + ", NULL, now(), now(), now())";
  };
  run_sql(database,
          insert +
              row("old-refused", "SKT-5G-STD-001", "FAILED", "409", "'OPERATOR_MISMATCH'",
                  "'KOS가 거절한 사유'", "'2005'", "NULL", "NULL") +
              ", " +
              row("old-outage", "5G-PREMIUM-001", "FAILED", "503", "'KOS_UNAVAILABLE'",
                  "'KOS 시스템에 연결할 수 없습니다'", "'9999'", "NULL", "NULL") +
              ", " +
              row("old-precheck", "3G-OLD-001", "PRECHECK_FAILED", "409", "'PRECHECK_FAILED'",
                  "'상품 변경 사전 확인에 실패했습니다'", "NULL",
                  "'[{\"type\":\"PRODUCT_ON_SALE\",\"result\":\"FAIL\",\"message\":\"판매가 "
                  "종료된 상품입니다\"}]'",
                  "NULL") +
              ", " +
              row("old-bug", "5G-STANDARD-001", "FAILED", "500", "'INTERNAL_ERROR'",
                  "'일시적인 오류가 발생했습니다'", "'9001'", "NULL", "NULL") +
              ", " +
              row("old-done", "LTE-PREMIUM-001", "COMPLETED", "200", "'OK'",
                  "'상품 변경이 완료되었습니다'", "'0000'", "NULL", "'KOS2025010100000001'"));

  // The service starts on that database: its start-up applies 003.
  restart_service_with({{"PHONEBILL_DATABASE_URL", database}});
  auto bearer = token("legacy", line);

  auto refused = change(bearer, "LTE-BASIC-001", "SKT-5G-STD-001", "key-old-refused");
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(refused.error_code(), "OPERATOR_MISMATCH");
  EXPECT_EQ(error_message(refused), "KOS가 거절한 사유");
  EXPECT_EQ(refused.error_details(),
            (boost::json::value{{"requestId", "old-refused"}, {"kosResultCode", "2005"}}));

  auto outage = change(bearer, "LTE-BASIC-001", "5G-PREMIUM-001", "key-old-outage");
  EXPECT_EQ(outage.status, 503) << outage.body;
  EXPECT_EQ(outage.error_code(), "KOS_UNAVAILABLE");
  EXPECT_EQ(error_message(outage), "KOS 시스템에 연결할 수 없습니다");

  auto precheck = change(bearer, "LTE-BASIC-001", "3G-OLD-001", "key-old-precheck");
  EXPECT_EQ(precheck.status, 409) << precheck.body;
  EXPECT_EQ(precheck.error_code(), "PRECHECK_FAILED");
  EXPECT_EQ(precheck.error_details().at("checks").at(0).at("type").as_string(), "PRODUCT_ON_SALE");

  auto bug = change(bearer, "LTE-BASIC-001", "5G-STANDARD-001", "key-old-bug");
  EXPECT_EQ(bug.status, 500) << bug.body;
  EXPECT_EQ(bug.error_code(), "INTERNAL_ERROR");

  auto done = change(bearer, "LTE-BASIC-001", "LTE-PREMIUM-001", "key-old-done");
  EXPECT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(done.text("resultCode"), "OK");
  EXPECT_EQ(done.text("resultMessage"), "상품 변경이 완료되었습니다");
  EXPECT_EQ(done.text("kosOrderNumber"), "KOS2025010100000001");

  // Lookups by id show the code and message each was answered with.
  for (auto [id, code, message] :
       {std::tuple{"old-refused", "OPERATOR_MISMATCH", "KOS가 거절한 사유"},
        std::tuple{"old-outage", "KOS_UNAVAILABLE", "KOS 시스템에 연결할 수 없습니다"},
        std::tuple{"old-precheck", "PRECHECK_FAILED", "상품 변경 사전 확인에 실패했습니다"},
        std::tuple{"old-bug", "INTERNAL_ERROR", "일시적인 오류가 발생했습니다"},
        std::tuple{"old-done", "OK", "상품 변경이 완료되었습니다"}}) {
    auto lookup = call("GET", std::string{"/api/v1/products/change/"} + id, bearer);
    EXPECT_EQ(lookup.status, 200) << lookup.body;
    EXPECT_EQ(lookup.text("resultCode"), code) << id;
    EXPECT_EQ(lookup.text("resultMessage"), message) << id;
  }
}

}  // namespace
}  // namespace phonebill::test_support
