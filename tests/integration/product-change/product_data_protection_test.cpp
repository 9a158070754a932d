// Personal data of plan changes at rest (SPEC §14, issue 19): a pg_dump of product-change's
// database and every Redis value of its keys show no line number or customer name in
// clear (nor masked, as event bodies name it) after plan changes; a line's cache entries
// are sealed and keyed by the blind index, and one that does not open is a miss counted
// as an error; clear rows (and event bodies) from before db/product/006 and 007 answer at
// once and are sealed while the service serves; rotation keeps old and new changes
// readable and lets the old key go after the pass.
#include <cstdio>
#include <filesystem>
#include <thread>

#include "cache/redis_client.hpp"
#include "core/line_number.hpp"
#include "crypto/key_files.hpp"
#include "outbox/outbox_event.hpp"
#include "product_fixture.hpp"
#include "support/coroutine_test.hpp"
#include "support/test_environment.hpp"

namespace phonebill::test_support {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class ProductDataProtection : public ProductChangeTest {};

// The demo customers KOS knows (db/kos/002): their lines and names must never show.
struct DemoCustomer {
  std::string line, name;
};
const std::vector<DemoCustomer> kDemoCustomers = {
    {"01012345678", "홍길동"}, {"01087654321", "김영희"}, {"01055554444", "이철수"}};

// `pg_dump --data-only` of `dsn`, as an operator's backup would carry it.
std::string pg_dump(const std::string& dsn) {
  const std::string command = "pg_dump --data-only --no-owner '" + dsn + "' 2>&1";
  std::string out;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    char buffer[65536];
    std::size_t read = 0;
    while ((read = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, read);
    ::pclose(pipe);
  }
  return out;
}

// Every product-change key in Redis with its value ("key value" lines).
std::string dump_product_keys() {
  boost::asio::io_context io;
  cache::RedisClient redis{io, redis_url()};
  std::string dump;
  std::string cursor = "0";
  do {
    auto reply = run_coroutine(
        io, redis.command(cache::redis_args("SCAN", cursor, "MATCH", "product:*", "COUNT", "1000"),
                          std::chrono::steady_clock::now() + 5s));
    if (!reply || !reply->is_array() || reply->elements().size() != 2) {
      ADD_FAILURE() << "SCAN failed";
      break;
    }
    cursor = reply->elements()[0].text();
    for (const auto& key : reply->elements()[1].elements()) {
      auto value = run_coroutine(io, redis.get(key.text(), std::chrono::steady_clock::now() + 5s));
      dump += key.text() + " " + (value && *value ? **value : std::string{}) + "\n";
    }
  } while (cursor != "0");
  return dump;
}

// The counter product_cache_lookups_total{cache="line",result=`result`} (0 if absent).
long line_lookups(const std::string& result) {
  auto metrics = ProductChangeTest::call("GET", "/metrics", "", {}, {}, /*direct=*/true);
  EXPECT_EQ(metrics.status, 200);
  const std::string series =
      "product_cache_lookups_total{cache=\"line\",result=\"" + result + "\"} ";
  auto at = metrics.body.find(series);
  if (at == std::string::npos) return 0;
  return std::stol(metrics.body.substr(at + series.size()));
}

bool eventually_sql(const std::string& sql, const std::string& expected) {
  for (int attempt = 0; attempt < 300; ++attempt) {
    if (ProductChangeTest::product_sql(sql) == expected) return true;
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

std::string text_of(const boost::json::value& value) {
  return value.is_string() ? std::string{value.get_string()} : std::string{};
}

// The first bytes of a sealed column: version 1 and the key id, as hex.
std::string key_prefix(int key) {
  char text[16];
  std::snprintf(text, sizeof text, "01%04x", key);
  return text;
}

}  // namespace

// The must-show dump check, for product-change: after plan changes (completed, refused by
// the pre-check) and menus of the demo lines, neither the database dump nor any Redis
// value or key of the service holds a line number or a customer name in clear.
TEST_F(ProductDataProtection, DumpAndCacheHaveNoLineOrNameInClear) {
  // The outbox on, towards a receiver nobody listens on: the change's events stay in
  // outbox_events, so the dump holds them too (db/product/007 seals their bodies).
  struct Restore {
    ~Restore() { ProductChangeTest::restart_service_with({}); }
  } restore;
  restart_service_with(
      {{"PHONEBILL_MVNO_AP_URL", "http://127.0.0.1:" + std::to_string(find_free_port())},
       {"PHONEBILL_MVNO_AP_SECRETS", "dump-test-signing-secret"}});
  auto line = fresh_line();
  auto bearer = token("dumped", line);
  auto current = current_plan(bearer);
  auto changed = change(bearer, current, other_kt_plan(current), "dump-key");
  ASSERT_EQ(changed.status, 200) << changed.body;
  auto customer = call("GET", "/api/v1/products/menu", bearer);
  ASSERT_EQ(customer.status, 200) << customer.body;
  const std::string name{customer.data().at("customer").at("customerName").as_string()};
  for (const auto& demo : kDemoCustomers) {
    auto menu = call("GET", "/api/v1/products/menu", token("demo", demo.line));
    ASSERT_EQ(menu.status, 200) << menu.body;
  }
  auto suspended = token("user03", "01055554444");
  auto refused = change(suspended, "LTE-PREMIUM-001", "LTE-BASIC-001");
  EXPECT_EQ(refused.status, 409) << refused.body;
  // What the API shows is the clear record.
  auto history = call("GET", "/api/v1/products/history?lineNumber=" + line, bearer);
  ASSERT_EQ(history.status, 200) << history.body;
  ASSERT_EQ(history.data().at("items").as_array().size(), 1u) << history.body;
  EXPECT_EQ(text_of(history.data().at("items").as_array().at(0).at("lineNumber")), line);

  const auto events_of_line =
      "FROM outbox_events WHERE order_key = '" + outbox::line_order_key(line) + "'";
  ASSERT_TRUE(eventually_sql("SELECT count(*) > 0 " + events_of_line, "t"));
  const auto event_id = product_sql("SELECT min(event_id) " + events_of_line);
  ASSERT_TRUE(event_id);

  auto dump = pg_dump(product_database_url());
  ASSERT_NE(dump.find("COPY public.product_changes"), std::string::npos) << dump.substr(0, 2000);
  ASSERT_NE(dump.find("COPY public.product_change_guards"), std::string::npos);
  ASSERT_NE(dump.find("dump-key"), std::string::npos) << "the change is not in the dump";
  ASSERT_NE(dump.find("COPY public.outbox_events"), std::string::npos);
  ASSERT_NE(dump.find(*event_id), std::string::npos) << "the change's event is not in the dump";
  EXPECT_EQ(dump.find(line), std::string::npos) << "the changed line in clear";
  // An event's body names its line masked (010-****-5678): still part of the number.
  EXPECT_EQ(dump.find(masked_line_number(line)), std::string::npos)
      << "the changed line, masked, in clear";
  EXPECT_EQ(dump.find(name), std::string::npos) << "a customer name in clear";
  for (const auto& demo : kDemoCustomers) {
    EXPECT_EQ(dump.find(demo.line), std::string::npos) << demo.line << " in clear";
    EXPECT_EQ(dump.find(masked_line_number(demo.line)), std::string::npos)
        << demo.line << ", masked, in clear";
    EXPECT_EQ(dump.find(demo.name), std::string::npos) << demo.name << " in clear";
  }

  auto cached = dump_product_keys();
  ASSERT_NE(cached.find(cache_line_key("01012345678")), std::string::npos) << cached;
  EXPECT_EQ(cached.find(line), std::string::npos) << "the changed line in Redis";
  EXPECT_EQ(cached.find(name), std::string::npos) << "a customer name in Redis";
  for (const auto& demo : kDemoCustomers) {
    EXPECT_EQ(cached.find(demo.line), std::string::npos) << demo.line << " in Redis";
    EXPECT_EQ(cached.find(demo.name), std::string::npos) << demo.name << " in Redis";
  }
}

// A cached line whose value does not open (tampered, or moved to another line's key) is a
// miss counted as an error: the answer comes from KOS, and the entry is written again.
TEST_F(ProductDataProtection, CachedValueThatDoesNotOpenIsAMissAndAnError) {
  auto line = fresh_line();
  auto other = fresh_line();
  auto bearer = token("tampered", line);
  ASSERT_EQ(call("GET", "/api/v1/products/menu", bearer).status, 200);
  ASSERT_EQ(call("GET", "/api/v1/products/menu", token("other", other)).status, 200);
  auto sealed = redis_get(cache_line_key(other));
  ASSERT_TRUE(sealed && open_cache_value(cache_line_key(other), *sealed));
  // Another line's sealed value under this line's key: bound to its own key, it refuses.
  redis_set(cache_line_key(line), *sealed);
  const long errors = line_lookups("error");
  auto menu = call("GET", "/api/v1/products/menu", bearer);
  ASSERT_EQ(menu.status, 200) << menu.body;
  EXPECT_EQ(text_of(menu.data().at("customer").at("lineNumber")), line) << menu.body;
  EXPECT_EQ(line_lookups("error"), errors + 1);
  auto rewritten = redis_get(cache_line_key(line));
  ASSERT_TRUE(rewritten);
  auto opened = open_cache_value(cache_line_key(line), *rewritten);
  ASSERT_TRUE(opened);
  EXPECT_NE(opened->find(line), std::string::npos);
}

// Rows written before db/product/006 (clear line, message, fingerprint; one in flight):
// the service answers them at once, keeps the line busy while the clear one is in flight,
// and its pass seals every one (guards included) while it serves.
TEST_F(ProductDataProtection, ClearRowsFromBeforeTheUpgradeAreSealedWhileServing) {
  auto line = fresh_line();
  auto busy_line = fresh_line();
  auto bearer = token("upgraded", line);
  auto current = current_plan(bearer);
  auto target = other_kt_plan(current);
  const std::string id = "clear-" + std::to_string(::getpid());
  ASSERT_EQ(
      product_sql("INSERT INTO product_changes (request_id, user_id, line_number, "
                  "previous_product_code, previous_product_name, target_product_code, "
                  "target_product_name, status, idempotency_key, fingerprint, "
                  "failure_reason, result_message, kos_result_code, requested_at, "
                  "updated_at, processed_at) VALUES ('" +
                  id + "', 'upgraded', '" + line + "', '" + current + "', '" + current + "', '" +
                  target + "', '" + target + "', 'FAILED', 'clear-key', '" + line + "|" + current +
                  "|" + target + "', 'LINE_INACTIVE', '회선 " + line +
                  " 정지', '2002', now(), now(), now()), ('" + id + "-busy', 'upgraded', '" +
                  busy_line + "', '" + current + "', '" + current + "', '" + target + "', '" +
                  target + "', 'COMPLETED', NULL, '" + busy_line + "|" + current + "|" + target +
                  "', NULL, NULL, '0000', now(), now(), now()) "
                  "RETURNING 1"),
      "1");
  // An event of that change from before db/product/007: its body in clear.
  ASSERT_EQ(product_sql("INSERT INTO outbox_events (event_id, event_type, order_key, body) "
                        "VALUES (md5('" +
                        id + "'), 'product.change.failed', '" + outbox::line_order_key(line) +
                        "', jsonb_build_object('line', '" + line + "', 'requestId', '" + id +
                        "')) RETURNING 1"),
            "1");
  // Restarted: its pass runs (a new instance of an upgraded deployment).
  restart_service_with({});
  ASSERT_TRUE(
      eventually_sql("SELECT count(*) FROM product_changes WHERE line_number IS NOT NULL"
                     " OR result_message IS NOT NULL OR line_index IS NULL",
                     "0"))
      << service_log();
  EXPECT_EQ(product_sql("SELECT count(*) FROM product_change_guards WHERE line_number IS NOT NULL"),
            "0");
  EXPECT_EQ(product_sql("SELECT fingerprint LIKE '" + line +
                        "%' FROM product_changes WHERE "
                        "request_id = '" +
                        id + "'"),
            "f");
  // The sealed row answers as it did: a replay of its key and body is that refusal.
  auto replay = change(bearer, current, target, "clear-key");
  EXPECT_EQ(replay.status, 409) << replay.body;
  EXPECT_EQ(replay.error_code(), "LINE_INACTIVE") << replay.body;
  auto lookup = call("GET", "/api/v1/products/change/" + id, bearer);
  ASSERT_EQ(lookup.status, 200) << lookup.body;
  EXPECT_EQ(text_of(lookup.data().at("lineNumber")), line) << lookup.body;
  auto history = call("GET", "/api/v1/products/history?lineNumber=" + line, bearer);
  ASSERT_EQ(history.status, 200) << history.body;
  EXPECT_EQ(history.data().at("items").as_array().size(), 1u) << history.body;
  // The pass's second table: the old event's body sealed too.
  EXPECT_TRUE(
      eventually_sql("SELECT body IS NULL AND body_sealed IS NOT NULL FROM outbox_events "
                     "WHERE event_id = md5('" +
                         id + "')",
                     "t"))
      << service_log();

  auto dump = pg_dump(product_database_url());
  EXPECT_EQ(dump.find(line), std::string::npos) << "the upgraded line in clear";
  EXPECT_EQ(dump.find(busy_line), std::string::npos) << "the upgraded line in clear";
}

// A clear change in flight (written before 006) still keeps its line busy for a sealed one.
TEST_F(ProductDataProtection, ClearChangeInFlightKeepsTheLineBusy) {
  auto line = fresh_line();
  auto bearer = token("in-flight", line);
  auto current = current_plan(bearer);
  auto target = other_kt_plan(current);
  const std::string id = "clear-flight-" + std::to_string(::getpid());
  // Claimed far ahead: the reconciler leaves it alone during the test.
  ASSERT_EQ(
      product_sql("INSERT INTO product_changes (request_id, user_id, line_number, "
                  "previous_product_code, previous_product_name, target_product_code, "
                  "target_product_name, status, fingerprint, requested_at, updated_at, "
                  "claimed_until) VALUES ('" +
                  id + "', 'in-flight', '" + line + "', '" + current + "', '" + current + "', '" +
                  target + "', '" + target + "', 'PENDING', '" + line + "|" + current + "|" +
                  target + "', now(), now(), now() + interval '1 hour') RETURNING 1"),
      "1");
  auto busy = change(bearer, current, target);
  EXPECT_EQ(busy.status, 409) << busy.body;
  EXPECT_EQ(busy.error_code(), "CHANGE_IN_PROGRESS") << busy.body;
  product_sql("DELETE FROM product_changes WHERE request_id = '" + id + "' RETURNING 1");
}

// Rotate, read old and new changes, re-encrypt, remove the old key: everything still
// reads. On a database and key directory of its own (the suite's stay as they are).
TEST_F(ProductDataProtection, RotationReencryptsAndTheOldKeyCanGo) {
  struct Restore {
    ~Restore() { ProductChangeTest::restart_service_with({}); }
  } restore;
  const auto database = create_database("product_rotation");
  const auto secrets = make_temp_directory("product-rotation-secrets");
  const std::vector<std::pair<std::string, std::string>> settings = {
      {"PHONEBILL_DATABASE_URL", database}, {"PHONEBILL_SECRETS_DIR", secrets.string()}};
  restart_service_with(settings);
  auto first_line = fresh_line();
  auto first = token("rotation", first_line);
  auto first_current = current_plan(first);
  auto before = change(first, first_current, other_kt_plan(first_current));
  ASSERT_EQ(before.status, 200) << before.body;
  const std::string old_id{before.data().at("requestId").as_string()};
  auto sql = [&](const std::string& text) { return sql_on(database, text); };
  EXPECT_EQ(sql("SELECT encode(substring(line_number_sealed FROM 1 FOR 3), 'hex') FROM "
                "product_changes WHERE request_id = '" +
                old_id + "'"),
            key_prefix(1));

  auto rotated = crypto::rotate_data_key(secrets / "data-keys");
  EXPECT_EQ(rotated.current, 2);
  restart_service_with(settings);
  auto second_line = fresh_line();
  auto second = token("rotation", second_line);
  auto second_current = current_plan(second);
  auto after = change(second, second_current, other_kt_plan(second_current));
  ASSERT_EQ(after.status, 200) << after.body;
  auto old_read = call("GET", "/api/v1/products/change/" + old_id, first);
  ASSERT_EQ(old_read.status, 200) << old_read.body;
  EXPECT_EQ(text_of(old_read.data().at("lineNumber")), first_line);
  bool resealed = false;
  for (int attempt = 0; attempt < 300 && !resealed; ++attempt) {
    resealed = sql("SELECT count(*) FROM product_changes WHERE encode(substring("
                   "line_number_sealed FROM 1 FOR 3), 'hex') <> '" +
                   key_prefix(2) + "'") == "0" &&
               sql("SELECT count(*) FROM data_key_checks WHERE key_id = 1 AND retired_at IS NOT "
                   "NULL") == "1";
    if (!resealed) std::this_thread::sleep_for(100ms);
  }
  ASSERT_TRUE(resealed) << service_log();

  fs::remove(secrets / "data-keys" / "data-key.1");
  restart_service_with(settings);
  for (const auto& [bearer, line] :
       {std::pair{first, first_line}, std::pair{second, second_line}}) {
    auto history = call("GET", "/api/v1/products/history?lineNumber=" + line, bearer);
    ASSERT_EQ(history.status, 200) << history.body;
    ASSERT_EQ(history.data().at("items").as_array().size(), 1u) << history.body;
    EXPECT_EQ(text_of(history.data().at("items").as_array().at(0).at("lineNumber")), line);
  }
}

}  // namespace phonebill::test_support
