// kos-sim across a change of the Seoul month (docs/kos-sim.md#month-rollover): data
// generated "as of" the previous month (KOS_SIM_ANCHOR_MONTH), a plan change ordered
// then, and kos-sim started again in the current month keeps the customers, the changed
// plan and the order, adds the new month's bill on the line's current plan, keeps a
// 24-month window, and starting once more changes nothing. Its own kos-sim and database
// (the shared fixture's must stay in the current month).
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include <map>
#include <memory>
#include <optional>

#include "core/json.hpp"
#include "core/seoul_time.hpp"
#include "http/client.hpp"
#include "storage/pg_pool.hpp"
#include "support/child_process.hpp"
#include "support/coroutine_test.hpp"
#include "support/http_probe.hpp"
#include "support/service_environment.hpp"
#include "support/test_environment.hpp"

namespace phonebill::test_support {
namespace {

class KosRollover : public ::testing::Test {
 protected:
  void SetUp() override {
    database_ = create_database("kosroll");
    directory_ = make_temp_directory("kos-rollover");
  }
  void TearDown() override { stop(); }

  // Starts kos-sim on this test's database; `anchor`: KOS_SIM_ANCHOR_MONTH, or none.
  void start(std::optional<BillingMonth> anchor) {
    port_ = find_free_port();
    ChildProcessOptions options;
    options.executable = build_directory() + "/services/kos-sim/kos-sim";
    options.environment = service_environment(
        "kos-sim",
        {{"PORT", std::to_string(port_)}, {"DATABASE_URL", database_}, {"CUSTOMERS", "40"}},
        {{"PHONEBILL_IO_THREADS", "1"},
         {"PHONEBILL_SHUTDOWN_GRACE_MS", "1000"},
         {"KOS_SIM_LATENCY_MS", "0"},
         {"KOS_SIM_JITTER_MS", "0"}});
    if (anchor) options.environment["KOS_SIM_ANCHOR_MONTH"] = anchor->kos_form();
    options.log_path = (directory_ / ("kos-sim-" + std::to_string(starts_++) + ".log")).string();
    process_ = std::make_unique<ChildProcess>(options);
    ASSERT_TRUE(wait_for_http_ok(port_, "/readyz", std::chrono::seconds{120}))
        << "kos-sim did not become ready; log:\n"
        << process_->read_log();
  }

  void stop() {
    if (!process_) return;
    EXPECT_EQ(process_->stop(std::chrono::seconds{10}), 0) << process_->read_log();
    process_.reset();
  }

  std::optional<std::string> sql(const std::string& statement) {
    boost::asio::io_context io;
    storage::PgPool pool{io, storage::PgPoolOptions{database_, 1}};
    auto result =
        run_coroutine(io, pool.query(statement, storage::PgParams{},
                                     phonebill::deadline_after(std::chrono::seconds{10})));
    if (!result) {
      ADD_FAILURE() << storage::describe(result.error());
      return std::nullopt;
    }
    if (result->empty()) return std::nullopt;
    return result->optional_text(0, std::size_t{0});
  }

  boost::json::value post(const std::string& target, const boost::json::object& body) {
    boost::asio::io_context io;
    http::HttpClient client{io, http::ClientOptions{"127.0.0.1", port_}};
    http::ClientRequest request{"POST", target, to_json_text(body)};
    auto result =
        run_coroutine(io, client.send(std::move(request),
                                      std::chrono::steady_clock::now() + std::chrono::seconds{10}));
    if (!result.ok()) {
      ADD_FAILURE() << "no answer from " << target;
      return nullptr;
    }
    auto parsed = parse_json(result.response->body);
    return parsed ? *parsed : boost::json::value{};
  }

  // Everything that must survive a restart in the same month: counts, the anchor, and an
  // md5 over every line's plan, every order and every bill's amount and status.
  std::string snapshot() {
    return sql("SELECT (SELECT count(*) FROM bills) || ' bills, ' || (SELECT count(*) FROM orders) "
               "|| "
               "' orders, ' || (SELECT anchor_month || ' ' || generated_at::text FROM "
               "generation_meta) || ' ' || "
               "md5((SELECT string_agg(line_number || product_code, ',' ORDER BY line_number) FROM "
               "lines) "
               "|| coalesce((SELECT string_agg(request_id || status, ',' ORDER BY request_id) FROM "
               "orders), '') "
               "|| (SELECT string_agg(line_number || billing_month || total_amount || "
               "payment_status, ',' "
               "ORDER BY line_number, billing_month) FROM bills))")
        .value_or("");
  }

  std::string database_;
  std::filesystem::path directory_;
  std::uint16_t port_ = 0;
  std::unique_ptr<ChildProcess> process_;
  int starts_ = 0;
};

TEST_F(KosRollover, NewMonthKeepsOrdersAndPlansAndAddsItsBills) {
  const auto current = seoul_month(std::chrono::system_clock::now());
  const auto previous = current.plus_months(-1);

  start(previous);
  ASSERT_EQ(sql("SELECT anchor_month FROM generation_meta"), previous.kos_form());
  auto line =
      sql("SELECT line_number FROM lines WHERE status = 'ACTIVE' AND operator_code = 'KT' "
          "AND product_code <> 'LTE-BASIC-001' AND line_number NOT LIKE '0109999%' "
          "AND line_number NOT IN ('01012345678', '01087654321', '01055554444') "
          "ORDER BY line_number LIMIT 1");
  ASSERT_TRUE(line);
  auto before = sql("SELECT product_code FROM lines WHERE line_number = '" + *line + "'");
  ASSERT_TRUE(before);
  auto changed = post("/api/v1/kos/product/change", {{"lineNumber", *line},
                                                     {"currentProductCode", *before},
                                                     {"targetProductCode", "LTE-BASIC-001"},
                                                     {"requestId", "rollover-change-1"}});
  ASSERT_EQ(changed.at("resultCode"), "0000") << to_json_text(changed);
  std::string order_number{changed.at("data").at("kosOrderNumber").as_string()};
  EXPECT_EQ(sql("SELECT count(*) FROM bills WHERE billing_month = '" + current.kos_form() + "'"),
            "0");
  auto customers = sql("SELECT count(*) FROM customers");
  stop();

  // The next month.
  start(std::nullopt);
  EXPECT_EQ(sql("SELECT anchor_month FROM generation_meta"), current.kos_form());
  EXPECT_EQ(sql("SELECT count(*) FROM customers"), customers);
  EXPECT_EQ(sql("SELECT kos_order_number || ' ' || status FROM orders WHERE request_id = "
                "'rollover-change-1'"),
            order_number + " COMPLETED");
  EXPECT_EQ(sql("SELECT product_code FROM lines WHERE line_number = '" + *line + "'"),
            "LTE-BASIC-001");
  // The order lookup still knows it, and the same requestId is still not applied twice.
  auto again = post("/api/v1/kos/product/change", {{"lineNumber", *line},
                                                   {"currentProductCode", "LTE-BASIC-001"},
                                                   {"targetProductCode", "5G-PREMIUM-001"},
                                                   {"requestId", "rollover-change-1"}});
  EXPECT_EQ(again.at("data").at("kosOrderNumber"), order_number.c_str()) << to_json_text(again);
  EXPECT_EQ(sql("SELECT product_code FROM lines WHERE line_number = '" + *line + "'"),
            "LTE-BASIC-001");

  // The new month's bill exists, on the plan the line is on now, unpaid; last month's is
  // no longer the current one.
  auto bill = post("/api/v1/kos/bill/inquiry", {{"lineNumber", *line},
                                                {"billingMonth", current.kos_form()},
                                                {"requestId", "rollover-bill-1"}});
  ASSERT_EQ(bill.at("resultCode"), "0000") << to_json_text(bill);
  EXPECT_EQ(bill.at("data").at("productCode"), "LTE-BASIC-001") << to_json_text(bill);
  EXPECT_EQ(bill.at("data").at("paymentInfo").at("paymentStatus"), "UNPAID") << to_json_text(bill);
  EXPECT_EQ(sql("SELECT count(*) FROM bills WHERE billing_month = '" + previous.kos_form() +
                "' AND payment_status = 'UNPAID'"),
            "0");
  // Every line with bills has exactly the 24 months ending now.
  EXPECT_EQ(sql("SELECT min(billing_month) || ' ' || max(billing_month) FROM bills"),
            current.plus_months(-23).kos_form() + " " + current.kos_form());
  EXPECT_EQ(sql("SELECT count(*) FROM (SELECT line_number FROM bills GROUP BY line_number "
                "HAVING count(*) <> 24) AS odd"),
            "0");
  EXPECT_EQ(sql("SELECT count(*) FROM bills WHERE line_number = '01099990001'"), "0");

  // Idempotent: starting again in the same month changes nothing.
  auto settled = snapshot();
  stop();
  start(std::nullopt);
  EXPECT_EQ(snapshot(), settled);
  // And an earlier month never moves the data back.
  stop();
  start(previous);
  EXPECT_EQ(snapshot(), settled);
}

}  // namespace
}  // namespace phonebill::test_support
