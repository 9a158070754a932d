// ProductChangeTest: see product_fixture.hpp.
#include "product_fixture.hpp"

#include <signal.h>

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>

#include "cache/redis_client.hpp"
#include "core/json.hpp"
#include "crypto/key_ring.hpp"
#include "gateway_fixture.hpp"
#include "http/client.hpp"
#include "product-change/redis_product_cache.hpp"
#include "product-change/sealed_changes.hpp"
#include "security/encoding.hpp"
#include "storage/pg_pool.hpp"
#include "support/child_process.hpp"
#include "support/coroutine_test.hpp"
#include "support/http_probe.hpp"
#include "support/kos_sim_process.hpp"
#include "support/service_environment.hpp"
#include "support/stand_in_auth.hpp"
#include "support/test_environment.hpp"

namespace phonebill::test_support {
namespace {

struct Suite {
  std::uint16_t kos_port = 0;
  std::uint16_t product_port = 0;
  std::string kos_database;
  std::string product_database;
  std::filesystem::path directory;
  std::unique_ptr<ChildProcess> kos;
  std::unique_ptr<ChildProcess> product;
  GatewayInstance gateway;
  std::unique_ptr<StandInAuth> auth;  // JWKS and token signing
  std::vector<std::string> lines;
  std::size_t next_line = 0;
  int restarts = 0;
};

Suite& suite() {
  static Suite instance;
  return instance;
}

// The ring product-change created in this suite's directory (each test suite has its own).
crypto::KeyRing service_keys() {
  return crypto::KeyRing::from_directory(suite().directory / "secrets" / "data-keys");
}

using Environment = std::vector<std::pair<std::string, std::string>>;

// `overrides` replace (or add to) the defaults below.
void start_product(const std::string& redis = redis_url(), const Environment& overrides = {}) {
  auto& s = suite();
  ChildProcessOptions options;
  options.executable = build_directory() + "/services/product-change/product-change";
  options.environment =
      service_environment("product-change",
                          {{"PORT", std::to_string(s.product_port)},
                           {"DATABASE_URL", s.product_database},
                           {"REDIS_URL", redis},
                           {"KOS_SIM_URL", loopback_url(s.kos_port)},
                           {"AUTH_URL", s.auth->url()},
                           {"SECRETS_DIR", (s.directory / "secrets").string()}},
                          {{"PHONEBILL_ACCESS_LOG", "false"},
                           {"PHONEBILL_SHUTDOWN_GRACE_MS", "2000"},
                           {"PHONEBILL_KOS_INQUIRY_TIMEOUT_MS", "1000"},
                           {"PHONEBILL_KOS_CHANGE_TIMEOUT_MS", "1000"},
                           {"PHONEBILL_KOS_RETRY_BASE_DELAY_MS", "20"},
                           // Outage tests must not leave an open breaker behind for the next test.
                           {"PHONEBILL_KOS_BREAKER_FAILURE_THRESHOLD", "100"},
                           // The reconciler in seconds, not minutes.
                           {"PHONEBILL_PRODUCT_RECONCILE_INTERVAL_MS", "500"},
                           {"PHONEBILL_PRODUCT_RECONCILE_STALE_MS", "3000"}});
  for (const auto& [name, value] : overrides) options.environment[name] = value;
  options.log_path =
      (s.directory / ("product-change-" + std::to_string(s.restarts++) + ".log")).string();
  s.product = std::make_unique<ChildProcess>(options);
  if (!wait_for_http_ok(s.product_port, "/readyz", std::chrono::seconds{60}))
    ADD_FAILURE() << "product-change did not become ready; log:\n" << s.product->read_log();
}

std::optional<std::string> first_value(const std::string& dsn, const std::string& sql) {
  boost::asio::io_context io;
  storage::PgPool pool{io, storage::PgPoolOptions{dsn, 1}};
  auto result = run_coroutine(io, pool.query(sql, storage::PgParams{},
                                             phonebill::deadline_after(std::chrono::seconds{10})));
  if (!result) {
    ADD_FAILURE() << storage::describe(result.error());
    return std::nullopt;
  }
  if (result->empty() || result->column_count() == 0) return std::nullopt;
  return result->optional_text(0, std::size_t{0});
}

}  // namespace

const boost::json::value& ProductReply::data() const {
  static const boost::json::value kNull;
  if (!json.is_object()) return kNull;
  auto* data = json.as_object().if_contains("data");
  return data ? *data : kNull;
}

std::string ProductReply::error_code() const {
  if (!json.is_object()) return {};
  auto* error = json.as_object().if_contains("error");
  if (!error || !error->is_object()) return {};
  auto* code = error->as_object().if_contains("code");
  return code && code->is_string() ? std::string{code->get_string()} : std::string{};
}

const boost::json::value& ProductReply::error_details() const {
  static const boost::json::value kNull;
  if (!json.is_object()) return kNull;
  auto* error = json.as_object().if_contains("error");
  if (!error || !error->is_object()) return kNull;
  auto* details = error->as_object().if_contains("details");
  return details ? *details : kNull;
}

std::string ProductReply::text(const std::string& field) const {
  const auto& d = data();
  if (!d.is_object()) return {};
  auto* value = d.as_object().if_contains(field);
  return value && value->is_string() ? std::string{value->get_string()} : std::string{};
}

void ProductChangeTest::SetUpTestSuite() {
  auto& s = suite();
  if (s.product) return;
  s.directory = make_temp_directory("product");
  // kos-sim
  s.kos_port = find_free_port();
  s.kos_database = create_database("kosproduct");
  s.kos = start_kos_sim({.port = s.kos_port,
                         .database_url = s.kos_database,
                         .log_path = (s.directory / "kos-sim.log").string()});
  // JWKS (the stand-in auth), served from this process.
  s.auth = std::make_unique<StandInAuth>();
  if (!wait_for_http_ok(s.kos_port, "/readyz", std::chrono::seconds{180})) {
    ADD_FAILURE() << "kos-sim did not become ready; log:\n" << s.kos->read_log();
    return;
  }
  // Lines for the tests: ACTIVE, on KT, not a scenario line, not a demo line.
  boost::asio::io_context io;
  storage::PgPool pool{io, storage::PgPoolOptions{s.kos_database, 1}};
  auto rows = run_coroutine(
      io,
      pool.query("SELECT line_number FROM lines WHERE status = 'ACTIVE' AND operator_code = 'KT' "
                 "AND line_number NOT LIKE '0109999%' AND line_number NOT IN "
                 "('01012345678', '01087654321', '01055554444') ORDER BY line_number",
                 storage::PgParams{}, phonebill::deadline_after(std::chrono::seconds{10})));
  if (rows) {
    for (std::size_t row = 0; row < rows->row_count(); ++row)
      s.lines.emplace_back(rows->text(row, std::size_t{0}));
  }
  s.product_port = find_free_port();
  s.product_database = create_database("product");
  start_product();
  std::string jwks_url = s.auth->url();
  s.gateway = start_gateway({{"PHONEBILL_UPSTREAM_AUTH", jwks_url},
                             {"PHONEBILL_UPSTREAM_BILL_INQUIRY", jwks_url},
                             {"PHONEBILL_UPSTREAM_PRODUCT_CHANGE", loopback_url(s.product_port)}},
                            s.directory);
}

void ProductChangeTest::TearDownTestSuite() {
  auto& s = suite();
  if (s.gateway.process) {
    s.gateway.process->stop(std::chrono::seconds{10});
    s.gateway.process.reset();
  }
  if (s.product) {
    int status = s.product->stop(std::chrono::seconds{15});
    EXPECT_EQ(status, 0) << "product-change did not shut down cleanly; log:\n"
                         << s.product->read_log();
    s.product.reset();
  }
  if (s.kos) s.kos->stop(std::chrono::seconds{10});
  s.kos.reset();
  s.auth.reset();
}

void ProductChangeTest::SetUp() {
  ASSERT_TRUE(suite().product && suite().product->is_running()) << "product-change is not running";
  ASSERT_TRUE(suite().gateway.process) << "the gateway is not running";
  reset_kos_faults();
  flush_redis();
}

std::string ProductChangeTest::token(const std::string& user, const std::string& line,
                                     std::vector<std::string> permissions) {
  return suite().auth->sign(user, line, std::move(permissions));
}

ProductReply ProductChangeTest::call(const std::string& method, const std::string& target,
                                     const std::string& bearer, const std::string& body,
                                     const std::string& idempotency_key, bool direct) {
  http::HeaderList headers;
  if (!bearer.empty()) headers.emplace_back("Authorization", "Bearer " + bearer);
  if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
  if (!idempotency_key.empty()) headers.emplace_back("Idempotency-Key", idempotency_key);
  auto port = direct ? suite().product_port : suite().gateway.port;
  auto reply = http_call(port, method, target, std::move(headers), body, std::chrono::seconds{20});
  ProductReply result;
  result.status = reply.status;
  result.body = reply.body;
  result.json = reply.json;
  return result;
}

ProductReply ProductChangeTest::change(const std::string& bearer, const std::string& current,
                                       const std::string& target, const std::string& key) {
  auto body = to_json_text(
      boost::json::object{{"currentProductCode", current}, {"targetProductCode", target}});
  return call("POST", "/api/v1/products/change", bearer, body, key);
}

std::string ProductChangeTest::current_plan(const std::string& bearer) {
  auto menu = call("GET", "/api/v1/products/menu", bearer);
  if (menu.status != 200) {
    ADD_FAILURE() << "menu: " << menu.body;
    return {};
  }
  return std::string{menu.data().at("currentProduct").at("productCode").as_string()};
}

std::string ProductChangeTest::fresh_line() {
  auto& s = suite();
  if (s.next_line >= s.lines.size()) {
    ADD_FAILURE() << "out of test lines";
    return "01000000000";
  }
  return s.lines[s.next_line++];
}

void ProductChangeTest::set_kos_faults(const std::string& json) {
  auto reply = http_call(suite().kos_port, "PUT", "/admin/faults", {}, json);
  ASSERT_EQ(reply.status, 200) << reply.body;
}

void ProductChangeTest::reset_kos_faults() {
  auto reply = http_call(suite().kos_port, "DELETE", "/admin/faults", {});
  ASSERT_EQ(reply.status, 200) << reply.body;
}

std::optional<std::string> ProductChangeTest::kos_sql(const std::string& sql) {
  return first_value(suite().kos_database, sql);
}

std::optional<std::string> ProductChangeTest::product_sql(const std::string& sql) {
  return first_value(suite().product_database, sql);
}

std::optional<std::string> ProductChangeTest::redis_get(const std::string& key) {
  boost::asio::io_context io;
  cache::RedisClient redis{io, redis_url()};
  auto value =
      run_coroutine(io, redis.get(key, std::chrono::steady_clock::now() + std::chrono::seconds{5}));
  if (!value) {
    ADD_FAILURE() << "redis GET failed";
    return std::nullopt;
  }
  return *value;
}

std::string ProductChangeTest::product_database_url() { return suite().product_database; }

std::optional<std::string> ProductChangeTest::sql_on(const std::string& dsn,
                                                     const std::string& sql) {
  return first_value(dsn, sql);
}

std::string ProductChangeTest::line_is(const std::string& line) {
  auto ring = service_keys();
  product::SealedChanges sealed{ring};
  return "line_index = '\\x" + security::to_hex(sealed.line_index_bytes(line)) + "'::bytea";
}

std::string ProductChangeTest::cache_line_key(const std::string& line) {
  auto ring = service_keys();
  return "product:v2:line:" +
         security::to_hex(crypto::BlindIndex{ring}.compute(product::kCacheLineIndex, line));
}

std::string ProductChangeTest::cache_status_key(const std::string& line) {
  auto ring = service_keys();
  return "product:v2:status:" +
         security::to_hex(crypto::BlindIndex{ring}.compute(product::kCacheLineIndex, line));
}

std::string ProductChangeTest::seal_cache_value(const std::string& key, const std::string& text) {
  auto ring = service_keys();
  crypto::FieldCipher cipher{ring};
  return crypto::to_text(
      cipher.seal(text, crypto::associated_data(product::kCacheValueField, key)));
}

std::optional<std::string> ProductChangeTest::open_cache_value(const std::string& key,
                                                               const std::string& value) {
  auto ring = service_keys();
  crypto::FieldCipher cipher{ring};
  auto sealed = crypto::from_text(value);
  if (!sealed) return std::nullopt;
  auto opened = cipher.open(*sealed, crypto::associated_data(product::kCacheValueField, key));
  if (!opened) return std::nullopt;
  return *opened;
}

void ProductChangeTest::redis_set(const std::string& key, const std::string& value) {
  boost::asio::io_context io;
  cache::RedisClient redis{io, redis_url()};
  auto stored =
      run_coroutine(io, redis.set(key, value, std::chrono::minutes{10},
                                  std::chrono::steady_clock::now() + std::chrono::seconds{5}));
  EXPECT_TRUE(stored) << "redis SET failed";
}

namespace {

// The gateway ejects an instance that failed; its health checks (100 ms) bring it back.
void wait_until_gateway_routes() {
  for (int i = 0; i < 50; ++i) {
    if (ProductChangeTest::call("GET", "/api/v1/products/menu", "").status == 401) return;
    std::this_thread::sleep_for(std::chrono::milliseconds{100});
  }
}

}  // namespace

void ProductChangeTest::kill_and_restart_service() {
  auto& s = suite();
  s.product->send_signal(SIGKILL);
  s.product->wait_for_exit(std::chrono::seconds{15});
  start_product();
  wait_until_gateway_routes();
}

void ProductChangeTest::restart_service_with_redis(const std::string& redis) {
  auto& s = suite();
  int status = s.product->stop(std::chrono::seconds{15});
  EXPECT_EQ(status, 0) << "product-change did not shut down cleanly; log:\n"
                       << s.product->read_log();
  start_product(redis);
  wait_until_gateway_routes();
}

void ProductChangeTest::restart_service_with(
    const std::vector<std::pair<std::string, std::string>>& overrides) {
  auto& s = suite();
  int status = s.product->stop(std::chrono::seconds{15});
  EXPECT_EQ(status, 0) << "product-change did not shut down cleanly; log:\n"
                       << s.product->read_log();
  start_product(redis_url(), overrides);
  wait_until_gateway_routes();
}

std::string ProductChangeTest::service_log() { return suite().product->read_log(); }

std::string other_kt_plan(const std::string& current) {
  return current == "LTE-BASIC-001" ? "LTE-PREMIUM-001" : "LTE-BASIC-001";
}

}  // namespace phonebill::test_support
