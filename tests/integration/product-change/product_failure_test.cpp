// product-change when KOS says no or says nothing (SPEC §6, §7), through the gateway:
// every KOS change code mapped (the caches are made stale on purpose so the pre-check
// passes and KOS decides), 9999 and an outage → 503 with nothing changed, a KOS timeout →
// 202 PENDING settled by the reconciler, and kill -9 right after KOS applied a change →
// COMPLETED with KOS's order number after the restart; with Redis unreachable everything
// is still answered straight from KOS.
#include <signal.h>

#include <boost/json.hpp>

#include <thread>

#include "core/json.hpp"
#include "product_fixture.hpp"
#include "support/test_environment.hpp"

namespace phonebill::test_support {
namespace {

using namespace std::chrono_literals;
using ProductFailure = ProductChangeTest;

// Rewrites the cached catalogue with `edit` applied to it (the service must have cached it).
template <typename Edit>
void edit_cached_catalogue(Edit edit) {
  auto text = ProductChangeTest::redis_get("product:v1:catalogue");
  ASSERT_TRUE(text) << "catalogue not cached";
  auto catalogue = parse_json(*text);
  ASSERT_TRUE(catalogue);
  edit(catalogue->at("products").as_array());
  ProductChangeTest::redis_set("product:v1:catalogue", to_json_text(*catalogue));
}

boost::json::object& product_in(boost::json::array& products, const std::string& code) {
  for (auto& product : products)
    if (product.at("productCode").as_string() == code) return product.as_object();
  throw std::runtime_error("no product " + code);
}

// Times one call through the gateway.
template <typename Call>
ProductReply timed(std::chrono::milliseconds& elapsed, Call call) {
  auto start = std::chrono::steady_clock::now();
  auto reply = call();
  elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  start);
  return reply;
}

// Waits until GET /change/{id} leaves PENDING/REQUESTED; the last answer.
ProductReply wait_until_settled(const std::string& bearer, const std::string& request_id,
                                std::chrono::seconds limit) {
  ProductReply lookup;
  auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    lookup = ProductChangeTest::call("GET", "/api/v1/products/change/" + request_id, bearer);
    auto status = lookup.text("status");
    if (lookup.status == 200 && status != "PENDING" && status != "REQUESTED") break;
    std::this_thread::sleep_for(200ms);
  }
  return lookup;
}

// 2003 / 2004 / 2005: a catalogue cached before KOS changed it lets the pre-check pass;
// KOS's refusal is mapped and recorded.
TEST_F(ProductFailure, KosProductCodesAreMapped) {
  struct Case {
    const char* target;
    int status;
    const char* code;
    const char* kos_code;
  };
  for (auto [target, status, code, kos_code] :
       {Case{"KT-GONE-001", 404, "PRODUCT_NOT_FOUND", "2003"},
        Case{"3G-OLD-001", 409, "PRODUCT_DISCONTINUED", "2004"},
        Case{"SKT-5G-STD-001", 409, "OPERATOR_MISMATCH", "2005"}}) {
    auto line = fresh_line();
    auto bearer = token("kos-codes", line);
    auto current = current_plan(bearer);
    ASSERT_EQ(call("GET", "/api/v1/products/available", bearer).status, 200);
    edit_cached_catalogue([](boost::json::array& products) {
      auto gone = product_in(products, "LTE-BASIC-001");
      gone["productCode"] = "KT-GONE-001";
      products.push_back(gone);
      product_in(products, "3G-OLD-001")["status"] = "ACTIVE";
      product_in(products, "SKT-5G-STD-001")["operatorCode"] = "KT";
    });
    auto reply = change(bearer, current, target);
    EXPECT_EQ(reply.status, status) << reply.body;
    EXPECT_EQ(reply.error_code(), code) << reply.body;
    EXPECT_EQ(product_sql("SELECT status || ' ' || kos_result_code FROM product_changes WHERE " +
                          line_is(line)),
              std::string{"FAILED "} + kos_code);
    EXPECT_EQ(current_plan(bearer), current);
  }
}

// 2001 / 2002: a line cached as ACTIVE (or cached at all) that KOS no longer has active.
TEST_F(ProductFailure, KosLineCodesAreMapped) {
  // 2002: the suspended demo line, its cached status rewritten to ACTIVE.
  auto suspended = token("user03", "01055554444");
  ASSERT_EQ(call("GET", "/api/v1/products/menu", suspended).status, 200);
  redis_set(cache_status_key("01055554444"),
            seal_cache_value(cache_status_key("01055554444"), "ACTIVE"));
  auto inactive = change(suspended, "LTE-PREMIUM-001", "LTE-BASIC-001");
  EXPECT_EQ(inactive.status, 409) << inactive.body;
  EXPECT_EQ(inactive.error_code(), "LINE_INACTIVE");

  // 2001: a line KOS has never had, cached as a copy of a real one.
  auto real = fresh_line();
  ASSERT_EQ(call("GET", "/api/v1/products/menu", token("copy", real)).status, 200);
  auto sealed = redis_get(cache_line_key(real));
  ASSERT_TRUE(sealed);
  auto cached = open_cache_value(cache_line_key(real), *sealed);
  ASSERT_TRUE(cached) << "the cached line does not open";
  auto copy = parse_json(*cached);
  ASSERT_TRUE(copy);
  const std::string ghost = "01000000009";
  copy->at("customer").as_object()["lineNumber"] = ghost;
  redis_set(cache_line_key(ghost), seal_cache_value(cache_line_key(ghost), to_json_text(*copy)));
  redis_set(cache_status_key(ghost), seal_cache_value(cache_status_key(ghost), "ACTIVE"));
  std::string current(std::string_view(copy->at("currentProduct").at("productCode").as_string()));
  auto missing = change(token("ghost", ghost), current, other_kt_plan(current));
  EXPECT_EQ(missing.status, 404) << missing.body;
  EXPECT_EQ(missing.error_code(), "LINE_NOT_FOUND");
  EXPECT_EQ(product_sql("SELECT kos_result_code FROM product_changes WHERE " + line_is(ghost)),
            "2001");
}

// 9999 on every attempt, and a full outage: 503 KOS_UNAVAILABLE, nothing changed in KOS,
// and the line is free again for the next attempt.
TEST_F(ProductFailure, SystemErrorAndOutageAre503WithNothingChanged) {
  for (const char* faults :
       {R"({"endpoints": {"product.change": {"errorRate": 1.0}}})", R"({"outage": true})"}) {
    auto line = fresh_line();
    auto bearer = token("outage", line);
    auto current = current_plan(bearer);
    ASSERT_EQ(call("GET", "/api/v1/products/available", bearer).status, 200);  // caches warm
    set_kos_faults(faults);
    auto reply = change(bearer, current, other_kt_plan(current));
    EXPECT_EQ(reply.status, 503) << faults << " " << reply.body;
    EXPECT_EQ(reply.error_code(), "KOS_UNAVAILABLE");
    reset_kos_faults();
    EXPECT_EQ(kos_sql("SELECT count(*) FROM orders WHERE line_number = '" + line + "'"), "0");
    EXPECT_EQ(product_sql("SELECT status FROM product_changes WHERE " + line_is(line)), "FAILED");
    EXPECT_EQ(current_plan(bearer), current);
    EXPECT_EQ(change(bearer, current, other_kt_plan(current)).status, 200);
  }
}

// KOS 3003 (the line exists but its plan is missing from KOS's catalogue, a data fault)
// is 404 PRODUCT_NOT_FOUND with the envelope, never a 500 (it was INTERNAL_ERROR).
TEST_F(ProductFailure, LineWhosePlanVanishedIsProductNotFoundNot500) {
  auto line = fresh_line();
  auto bearer = token("orphan", line);
  auto original = kos_sql("SELECT product_code FROM lines WHERE line_number = '" + line + "'");
  ASSERT_TRUE(original);
  kos_sql("ALTER TABLE lines DROP CONSTRAINT IF EXISTS lines_product_fk");
  kos_sql("UPDATE lines SET product_code = 'GONE-001' WHERE line_number = '" + line + "'");
  auto menu = call("GET", "/api/v1/products/menu", bearer);
  kos_sql("UPDATE lines SET product_code = '" + *original + "' WHERE line_number = '" + line + "'");
  EXPECT_EQ(menu.status, 404) << menu.body;
  EXPECT_EQ(menu.error_code(), "PRODUCT_NOT_FOUND") << menu.body;
}

// KOS applies the change but its answer never comes: 202 PENDING, then the reconciler
// asks KOS for the order and settles it as COMPLETED within seconds; the menu follows.
TEST_F(ProductFailure, TimeoutIsPendingThenReconciled) {
  auto line = fresh_line();
  auto bearer = token("timeout", line);
  auto current = current_plan(bearer);
  auto target = other_kt_plan(current);
  set_kos_faults(R"({"endpoints": {"product.change": {"timeoutRate": 1.0}}})");
  auto reply = change(bearer, current, target);
  ASSERT_EQ(reply.status, 202) << reply.body;
  EXPECT_EQ(reply.text("status"), "PENDING");
  reset_kos_faults();
  auto settled = wait_until_settled(bearer, reply.text("requestId"), 20s);
  EXPECT_EQ(settled.text("status"), "COMPLETED") << settled.body;
  auto order = kos_sql("SELECT kos_order_number FROM orders WHERE line_number = '" + line + "'");
  ASSERT_TRUE(order);
  EXPECT_EQ(settled.text("kosOrderNumber"), *order);
  EXPECT_EQ(current_plan(bearer), target);
}

// kill -9 right after KOS applied the change (its answer withheld): after the restart the
// orphaned REQUESTED record is settled COMPLETED with KOS's order number.
TEST_F(ProductFailure, KilledAfterKosAcceptedIsCompletedAfterRestart) {
  auto line = fresh_line();
  auto bearer = token("killed", line);
  auto current = current_plan(bearer);
  auto target = other_kt_plan(current);
  set_kos_faults(R"({"endpoints": {"product.change": {"timeoutRate": 1.0}}})");
  std::thread request([&] { change(bearer, current, target); });
  std::optional<std::string> order;
  for (int i = 0; i < 100 && !order; ++i) {
    std::this_thread::sleep_for(20ms);
    order = kos_sql("SELECT kos_order_number FROM orders WHERE line_number = '" + line + "'");
  }
  ASSERT_TRUE(order) << "KOS never got the change";
  kill_and_restart_service();
  request.join();
  reset_kos_faults();
  EXPECT_EQ(product_sql("SELECT count(*) FROM product_changes WHERE " + line_is(line)), "1");
  auto until = std::chrono::steady_clock::now() + 20s;
  std::optional<std::string> settled;
  while (std::chrono::steady_clock::now() < until) {
    settled = product_sql(
        "SELECT status || ' ' || coalesce(kos_order_number, '') FROM product_changes "
        "WHERE " +
        line_is(line));
    if (settled && settled->rfind("COMPLETED", 0) == 0) break;
    std::this_thread::sleep_for(200ms);
  }
  EXPECT_EQ(settled, "COMPLETED " + *order) << service_log();
  EXPECT_EQ(current_plan(bearer), target);
  auto history = call("GET", "/api/v1/products/history", bearer);
  ASSERT_EQ(history.status, 200) << history.body;
  EXPECT_EQ(history.data().at("items").at(0).at("kosOrderNumber").as_string(), *order);
}

// Redis unreachable (the service restarted against a port nothing listens on): the
// service still becomes ready (redis DEGRADED), and menu, available and a change are
// answered straight from KOS, each quickly and none a 5xx; the next menu shows the new
// plan. The real Redis is restored afterwards, even when an assertion stops the test.
TEST_F(ProductFailure, RedisDownStillAnswersFromKos) {
  struct RestoreRedis {
    ~RestoreRedis() { ProductChangeTest::restart_service_with_redis(redis_url()); }
  };
  RestoreRedis restore;
  auto started = std::chrono::steady_clock::now();
  restart_service_with_redis("redis://127.0.0.1:" + std::to_string(find_free_port()));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s) << "start-up without Redis was slow";
  auto ready = call("GET", "/readyz", "", {}, {}, /*direct=*/true);
  ASSERT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(ready.json.at("checks").at("redis").as_string(), "DEGRADED") << ready.body;

  auto line = fresh_line();
  auto bearer = token("noredis", line);
  std::chrono::milliseconds elapsed{};
  auto menu = timed(elapsed, [&] { return call("GET", "/api/v1/products/menu", bearer); });
  ASSERT_EQ(menu.status, 200) << menu.body;
  EXPECT_LT(elapsed.count(), 1000);
  EXPECT_EQ(menu.data().at("customer").at("lineNumber").as_string(), line);
  std::string current{menu.data().at("currentProduct").at("productCode").as_string()};

  std::string target;
  for (int i = 0; i < 2; ++i) {  // twice: nothing was cached by the first
    auto available =
        timed(elapsed, [&] { return call("GET", "/api/v1/products/available", bearer); });
    ASSERT_EQ(available.status, 200) << available.body;
    EXPECT_LT(elapsed.count(), 1000);
    EXPECT_EQ(available.text("currentProductCode"), current);
    const auto& products = available.data().at("products").as_array();
    ASSERT_FALSE(products.empty()) << available.body;
    target = std::string{products.front().at("productCode").as_string()};
  }

  auto changed = timed(elapsed, [&] { return change(bearer, current, target); });
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_LT(elapsed.count(), 2000);
  EXPECT_EQ(changed.text("status"), "COMPLETED");
  EXPECT_EQ(changed.data().at("newProduct").at("productCode").as_string(), target);
  EXPECT_EQ(kos_sql("SELECT product_code FROM lines WHERE line_number = '" + line + "'"), target);

  auto next = timed(elapsed, [&] { return call("GET", "/api/v1/products/menu", bearer); });
  ASSERT_EQ(next.status, 200) << next.body;
  EXPECT_LT(elapsed.count(), 1000);
  EXPECT_EQ(next.data().at("currentProduct").at("productCode").as_string(), target);
  // Every cache lookup failed (none hit), and the service never reached the test Redis.
  auto metrics = call("GET", "/metrics", "", {}, {}, /*direct=*/true);
  ASSERT_EQ(metrics.status, 200);
  for (const char* cache : {"line", "catalogue"}) {
    std::string series =
        std::string{"product_cache_lookups_total{cache=\""} + cache + "\",result=\"";
    EXPECT_NE(metrics.body.find(series + "error\"}"), std::string::npos) << metrics.body;
    EXPECT_EQ(metrics.body.find(series + "hit\"}"), std::string::npos) << metrics.body;
  }
  EXPECT_EQ(redis_get("product:v1:catalogue"), std::nullopt);
  EXPECT_EQ(redis_get(cache_line_key(line)), std::nullopt);
}

}  // namespace
}  // namespace phonebill::test_support
