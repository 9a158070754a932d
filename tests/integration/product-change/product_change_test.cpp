// product-change through the gateway (SPEC §6): a change shows on the next menu call,
// each pre-check failure is a 409 with its checks, permissions and ownership, the
// Idempotency-Key, one change in flight per line, history.
#include <boost/json.hpp>

#include <thread>

#include "core/json.hpp"
#include "product_fixture.hpp"
#include "support/promtool.hpp"

namespace phonebill::test_support {
namespace {

using ProductChange = ProductChangeTest;

std::vector<std::string> failed_checks(const ProductReply& reply) {
  std::vector<std::string> failed;
  const auto& details = reply.error_details();
  if (!details.is_object() || !details.as_object().contains("checks")) return failed;
  for (const auto& check : details.at("checks").as_array())
    if (check.at("result").as_string() == "FAIL") failed.emplace_back(check.at("type").as_string());
  return failed;
}

// Metric hygiene (SPEC §13): after a menu (KOS calls, cache lookups) product-change's
// /metrics passes `promtool check metrics` and carries the shared breaker family.
TEST_F(ProductChange, MetricsPassPromtool) {
  auto menu = call("GET", "/api/v1/products/menu", token("metrics-user", fresh_line()));
  ASSERT_EQ(menu.status, 200) << menu.body;
  auto metrics = call("GET", "/metrics", "", {}, {}, /*direct=*/true);
  ASSERT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("phonebill_circuit_breaker_state{breaker=\"kos.product.inquiry\","
                              "state=\"closed\"} 1\n"),
            std::string::npos)
      << metrics.body;
  auto verdict = promtool_check_metrics(metrics.body);
  if (!verdict.available) GTEST_SKIP() << "promtool (Debian prometheus) is not installed";
  EXPECT_EQ(verdict.exit_code, 0) << verdict.output;
  EXPECT_EQ(verdict.output, "");
}

// Menu → available (with price deltas) → change → the next menu shows the new plan at
// once (the line's cache was dropped), and the change is in history and by id.
TEST_F(ProductChange, CompletedChangeShowsOnTheNextMenu) {
  auto line = fresh_line();
  auto bearer = token("menu-user", line);
  auto menu = call("GET", "/api/v1/products/menu", bearer);
  ASSERT_EQ(menu.status, 200) << menu.body;
  EXPECT_EQ(menu.data().at("customer").at("lineNumber").as_string(), line);
  EXPECT_EQ(menu.data().at("customer").at("lineStatus").as_string(), "ACTIVE");
  std::string current{menu.data().at("currentProduct").at("productCode").as_string()};
  auto current_fee = menu.data().at("currentProduct").at("monthlyFee").as_int64();

  auto available = call("GET", "/api/v1/products/available", bearer);
  ASSERT_EQ(available.status, 200) << available.body;
  EXPECT_EQ(available.text("currentProductCode"), current);
  const auto& products = available.data().at("products").as_array();
  ASSERT_FALSE(products.empty());
  for (const auto& product : products) {
    EXPECT_NE(product.at("productCode").as_string(), current);
    EXPECT_EQ(product.at("operatorCode").as_string(), "KT");
    EXPECT_TRUE(product.at("onSale").as_bool());
    EXPECT_EQ(product.at("priceDelta").as_int64(),
              product.at("monthlyFee").as_int64() - current_fee);
  }
  std::string target{products.front().at("productCode").as_string()};

  auto check = call("POST", "/api/v1/products/change/validation", bearer,
                    to_json_text(boost::json::object{{"targetProductCode", target}}));
  ASSERT_EQ(check.status, 200) << check.body;
  EXPECT_EQ(check.text("result"), "PASS");

  auto changed = change(bearer, current, target);
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(changed.text("status"), "COMPLETED");
  EXPECT_EQ(changed.text("kosOrderNumber").rfind("KOS", 0), 0u) << changed.body;
  EXPECT_FALSE(changed.text("effectiveDate").empty());
  EXPECT_EQ(changed.data().at("previousProduct").at("productCode").as_string(), current);
  EXPECT_EQ(changed.data().at("newProduct").at("productCode").as_string(), target);

  EXPECT_EQ(current_plan(bearer), target);
  auto request_id = changed.text("requestId");
  auto lookup = call("GET", "/api/v1/products/change/" + request_id, bearer);
  ASSERT_EQ(lookup.status, 200) << lookup.body;
  EXPECT_EQ(lookup.text("status"), "COMPLETED");
  EXPECT_EQ(lookup.text("kosOrderNumber"), changed.text("kosOrderNumber"));
  // Another user cannot see it.
  EXPECT_EQ(
      call("GET", "/api/v1/products/change/" + request_id, token("someone", fresh_line())).status,
      404);

  auto history = call("GET", "/api/v1/products/history?status=COMPLETED&size=1", bearer);
  ASSERT_EQ(history.status, 200) << history.body;
  ASSERT_EQ(history.data().at("items").as_array().size(), 1u);
  EXPECT_EQ(history.data().at("items").at(0).at("requestId").as_string(), request_id);
  EXPECT_EQ(history.data().at("page").at("totalItems").as_int64(), 1);
  EXPECT_EQ(call("GET", "/api/v1/products/history?status=DONE", bearer).status, 400);
}

// Discontinued plan, other operator, suspended line, same plan: each is 409
// PRECHECK_FAILED naming the failing check, recorded, and KOS is never asked.
TEST_F(ProductChange, EachPrecheckFailureIs409WithItsChecks) {
  auto line = fresh_line();
  auto bearer = token("precheck-user", line);
  auto current = current_plan(bearer);
  auto orders_before = kos_sql("SELECT count(*) FROM orders");

  struct Case {
    std::string bearer, current, target, failed;
  };
  auto suspended = token("user03", "01055554444");
  std::vector<Case> cases{{bearer, current, "3G-OLD-001", "PRODUCT_ON_SALE"},
                          {bearer, current, "SKT-5G-STD-001", "OPERATOR_MATCH"},
                          {suspended, "LTE-PREMIUM-001", "LTE-BASIC-001", "LINE_ACTIVE"},
                          {bearer, current, current, "NOT_CURRENT_PRODUCT"}};
  for (const auto& c : cases) {
    auto reply = change(c.bearer, c.current, c.target);
    EXPECT_EQ(reply.status, 409) << reply.body;
    EXPECT_EQ(reply.error_code(), "PRECHECK_FAILED") << reply.body;
    EXPECT_EQ(failed_checks(reply), std::vector<std::string>{c.failed}) << reply.body;
    auto validation = call("POST", "/api/v1/products/change/validation", c.bearer,
                           to_json_text(boost::json::object{{"targetProductCode", c.target}}));
    EXPECT_EQ(validation.status, 200) << validation.body;
    EXPECT_EQ(validation.text("result"), "FAIL") << validation.body;
  }
  EXPECT_EQ(kos_sql("SELECT count(*) FROM orders"), orders_before);
  EXPECT_EQ(product_sql("SELECT count(*) FROM product_changes WHERE status = 'PRECHECK_FAILED' "
                        "AND (" +
                        line_is(line) + " OR " + line_is("01055554444") + ")"),
            "4");
  // Nothing is in flight afterwards: a valid change goes through.
  EXPECT_EQ(change(bearer, current, other_kt_plan(current)).status, 200);
}

// user02 (BILL_INQUIRY only) is refused by the gateway and by the service itself.
TEST_F(ProductChange, WithoutProductChangePermissionIs403) {
  auto user02 = token("user02", fresh_line(), {"BILL_INQUIRY"});
  for (const char* path :
       {"/api/v1/products/menu", "/api/v1/products/available", "/api/v1/products/history"}) {
    auto reply = call("GET", path, user02);
    EXPECT_EQ(reply.status, 403) << path;
    EXPECT_EQ(reply.error_code(), "FORBIDDEN") << path;
  }
  auto through_gateway = change(user02, "LTE-BASIC-001", "LTE-PREMIUM-001");
  EXPECT_EQ(through_gateway.status, 403);
  auto direct = call(
      "POST", "/api/v1/products/change", user02,
      R"({"currentProductCode":"LTE-BASIC-001","targetProductCode":"LTE-PREMIUM-001"})", {}, true);
  EXPECT_EQ(direct.status, 403) << direct.body;
  EXPECT_EQ(direct.error_code(), "FORBIDDEN");
  EXPECT_EQ(call("GET", "/api/v1/products/menu", "").status, 401);
}

// Another user's line, in any body or filter, is 403 LINE_NOT_OWNED and reveals nothing.
TEST_F(ProductChange, AnotherUsersLineIs403) {
  auto bearer = token("owner", fresh_line());
  auto other = fresh_line();
  auto change_body = to_json_text(boost::json::object{{"lineNumber", other},
                                                      {"currentProductCode", "LTE-BASIC-001"},
                                                      {"targetProductCode", "LTE-PREMIUM-001"}});
  auto changed = call("POST", "/api/v1/products/change", bearer, change_body);
  EXPECT_EQ(changed.status, 403) << changed.body;
  EXPECT_EQ(changed.error_code(), "LINE_NOT_OWNED");
  auto validation = call("POST", "/api/v1/products/change/validation", bearer,
                         to_json_text(boost::json::object{{"lineNumber", other},
                                                          {"targetProductCode", "LTE-BASIC-001"}}));
  EXPECT_EQ(validation.error_code(), "LINE_NOT_OWNED");
  auto history = call("GET", "/api/v1/products/history?lineNumber=" + other, bearer);
  EXPECT_EQ(history.error_code(), "LINE_NOT_OWNED");
  auto malformed = call("POST", "/api/v1/products/change", bearer, R"({"targetProductCode": 7})");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(malformed.error_code(), "VALIDATION_ERROR");
}

// The same Idempotency-Key twice: one KOS order, the same answer; the same key with a
// different body: 422 IDEMPOTENCY_KEY_REUSED.
TEST_F(ProductChange, IdempotencyKeyReplaysTheFirstAnswer) {
  auto line = fresh_line();
  auto bearer = token("idem-user", line);
  auto current = current_plan(bearer);
  auto target = other_kt_plan(current);
  auto first = change(bearer, current, target, "key-" + line);
  ASSERT_EQ(first.status, 200) << first.body;
  auto second = change(bearer, current, target, "key-" + line);
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(second.data(), first.data());
  EXPECT_EQ(kos_sql("SELECT count(*) FROM orders WHERE line_number = '" + line + "'"), "1");

  auto reused = change(bearer, current, "5G-PREMIUM-001", "key-" + line);
  EXPECT_EQ(reused.status, 422) << reused.body;
  EXPECT_EQ(reused.error_code(), "IDEMPOTENCY_KEY_REUSED");
  // A failed first answer replays as the same failure.
  auto precheck = change(bearer, target, target, "key2-" + line);
  auto replayed = change(bearer, target, target, "key2-" + line);
  EXPECT_EQ(precheck.status, 409);
  EXPECT_EQ(replayed.status, 409);
  EXPECT_EQ(replayed.error_details(), precheck.error_details());
}

// Two changes of one line at once: the database lets exactly one proceed; the other is
// 409 CHANGE_IN_PROGRESS.
TEST_F(ProductChange, ConcurrentChangesOfOneLineLetOneThrough) {
  auto line = fresh_line();
  auto bearer = token("race-user", line);
  auto current = current_plan(bearer);
  call("GET", "/api/v1/products/available", bearer);  // caches warm: both reach the insert
  set_kos_faults(R"({"endpoints": {"product.change": {"latencyMs": 600}}})");
  ProductReply first, second;
  std::thread a([&] {
    first =
        change(bearer, current, "LTE-PREMIUM-001" == current ? "LTE-BASIC-001" : "LTE-PREMIUM-001");
  });
  std::thread b([&] {
    second =
        change(bearer, current, "5G-PREMIUM-001" == current ? "5G-STANDARD-001" : "5G-PREMIUM-001");
  });
  a.join();
  b.join();
  std::vector<int> statuses{first.status, second.status};
  std::sort(statuses.begin(), statuses.end());
  EXPECT_EQ(statuses, (std::vector<int>{200, 409})) << first.body << "\n" << second.body;
  const auto& refused = first.status == 409 ? first : second;
  EXPECT_EQ(refused.error_code(), "CHANGE_IN_PROGRESS") << refused.body;
  EXPECT_EQ(kos_sql("SELECT count(*) FROM orders WHERE line_number = '" + line + "'"), "1");
}

}  // namespace
}  // namespace phonebill::test_support
