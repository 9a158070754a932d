// OutboxTest: see outbox_fixture.hpp.
#include "outbox_fixture.hpp"

#include <signal.h>

#include <boost/asio/io_context.hpp>

#include <memory>
#include <thread>

#include "core/json.hpp"
#include "core/line_number.hpp"
#include "gateway_fixture.hpp"
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

using namespace std::chrono_literals;
using Variables = std::vector<std::pair<std::string, std::string>>;

struct Suite {
  std::uint16_t kos_port = 0, mvno_port = 0, product_port = 0, product2_port = 0, bill_port = 0;
  std::string kos_database, product_database, bill_database;
  std::filesystem::path directory;
  std::unique_ptr<ChildProcess> kos, mvno, product, product2, bill;
  GatewayInstance gateway;
  std::unique_ptr<StandInAuth> auth;
  std::vector<std::string> lines;
  std::size_t next_line = 0;
  int restarts = 0;
};

Suite& suite() {
  static Suite instance;
  return instance;
}

// The relay settings every test runs with: small backoff, quick polls.
EnvironmentMap relay_settings() {
  auto& s = suite();
  return {{"PHONEBILL_MVNO_AP_URL", loopback_url(s.mvno_port)},
          {"PHONEBILL_MVNO_AP_SECRETS", kCurrentSecret},
          {"PHONEBILL_OUTBOX_POLL_MS", "100"},
          {"PHONEBILL_OUTBOX_BACKOFF_BASE_MS", "200"},
          {"PHONEBILL_OUTBOX_BACKOFF_MAX_MS", "1000"},
          {"PHONEBILL_OUTBOX_POST_TIMEOUT_MS", "1000"},
          {"PHONEBILL_OUTBOX_LEASE_MS", "5000"},
          {"PHONEBILL_ACCESS_LOG", "false"},
          {"PHONEBILL_SHUTDOWN_GRACE_MS", "2000"},
          {"PHONEBILL_KOS_INQUIRY_TIMEOUT_MS", "1000"},
          {"PHONEBILL_KOS_CHANGE_TIMEOUT_MS", "1000"},
          {"PHONEBILL_KOS_RETRY_BASE_DELAY_MS", "20"}};
}

std::unique_ptr<ChildProcess> start_product_on(std::uint16_t port, const Variables& extra) {
  auto& s = suite();
  ChildProcessOptions options;
  options.executable = build_directory() + "/services/product-change/product-change";
  auto overrides = relay_settings();
  // The pre-existing tests' reconciler timing; no breaker trips in these tests.
  overrides["PHONEBILL_KOS_BREAKER_FAILURE_THRESHOLD"] = "100";
  overrides["PHONEBILL_PRODUCT_RECONCILE_INTERVAL_MS"] = "500";
  overrides["PHONEBILL_PRODUCT_RECONCILE_STALE_MS"] = "3000";
  for (const auto& [name, value] : extra) overrides[name] = value;
  options.environment = service_environment("product-change",
                                            {{"PORT", std::to_string(port)},
                                             {"DATABASE_URL", s.product_database},
                                             {"REDIS_URL", redis_url()},
                                             {"KOS_SIM_URL", loopback_url(s.kos_port)},
                                             {"AUTH_URL", s.auth->url()}},
                                            overrides);
  options.log_path =
      (s.directory / ("product-change-" + std::to_string(s.restarts++) + ".log")).string();
  auto process = std::make_unique<ChildProcess>(options);
  if (!wait_for_http_ok(port, "/readyz", 60s))
    ADD_FAILURE() << "product-change did not become ready; log:\n" << process->read_log();
  return process;
}

void start_bill() {
  auto& s = suite();
  ChildProcessOptions options;
  options.executable = build_directory() + "/services/bill-inquiry/bill-inquiry";
  auto overrides = relay_settings();
  // A breaker that opens after 3 failures and closes after one good trial 1 s later:
  // the kos.circuit.* events within a test.
  overrides["PHONEBILL_KOS_BREAKER_FAILURE_THRESHOLD"] = "3";
  overrides["PHONEBILL_KOS_BREAKER_OPEN_MS"] = "1000";
  overrides["PHONEBILL_KOS_BREAKER_HALF_OPEN_TRIALS"] = "1";
  options.environment = service_environment("bill-inquiry",
                                            {{"PORT", std::to_string(s.bill_port)},
                                             {"DATABASE_URL", s.bill_database},
                                             {"REDIS_URL", redis_url()},
                                             {"KOS_SIM_URL", loopback_url(s.kos_port)},
                                             {"AUTH_URL", s.auth->url()},
                                             {"SECRETS_DIR", (s.directory / "secrets").string()}},
                                            overrides);
  options.log_path = (s.directory / "bill-inquiry.log").string();
  s.bill = std::make_unique<ChildProcess>(options);
  if (!wait_for_http_ok(s.bill_port, "/readyz", 60s))
    ADD_FAILURE() << "bill-inquiry did not become ready; log:\n" << s.bill->read_log();
}

void start_mvno() {
  auto& s = suite();
  ChildProcessOptions options;
  options.executable = build_directory() + "/services/mvno-ap-sim/mvno-ap-sim";
  options.environment = {{"PHONEBILL_HTTP_ADDRESS", "127.0.0.1"},
                         {"PHONEBILL_HTTP_PORT", std::to_string(s.mvno_port)},
                         {"PHONEBILL_ACCESS_LOG", "false"},
                         {"MVNO_AP_SIM_SECRETS", std::string{kCurrentSecret} + "," + kOldSecret}};
  options.log_path = (s.directory / "mvno-ap-sim.log").string();
  s.mvno = std::make_unique<ChildProcess>(options);
  if (!wait_for_http_ok(s.mvno_port, "/readyz", 30s))
    ADD_FAILURE() << "mvno-ap-sim did not become ready; log:\n" << s.mvno->read_log();
}

std::optional<std::string> first_value(const std::string& dsn, const std::string& sql) {
  boost::asio::io_context io;
  storage::PgPool pool{io, storage::PgPoolOptions{dsn, 1}};
  auto result = run_coroutine(io, pool.query(sql, storage::PgParams{}, deadline_after(10s)));
  if (!result) {
    ADD_FAILURE() << storage::describe(result.error());
    return std::nullopt;
  }
  if (result->empty() || result->column_count() == 0) return std::nullopt;
  return result->optional_text(0, std::size_t{0});
}

void wait_until_gateway_routes() {
  for (int i = 0; i < 50; ++i) {
    if (OutboxTest::call("GET", "/api/v1/products/menu", "").status == 401) return;
    std::this_thread::sleep_for(100ms);
  }
}

}  // namespace

std::string OutboxReply::text(const std::string& field) const {
  if (!json.is_object()) return {};
  auto* data = json.as_object().if_contains("data");
  if (!data || !data->is_object()) return {};
  auto* value = data->as_object().if_contains(field);
  return value && value->is_string() ? std::string{value->get_string()} : std::string{};
}

std::string OutboxReply::error_code() const {
  if (!json.is_object()) return {};
  auto* error = json.as_object().if_contains("error");
  if (!error || !error->is_object()) return {};
  auto* code = error->as_object().if_contains("code");
  return code && code->is_string() ? std::string{code->get_string()} : std::string{};
}

void OutboxTest::SetUpTestSuite() {
  auto& s = suite();
  if (s.product) return;
  s.directory = make_temp_directory("outbox");
  s.kos_port = find_free_port();
  s.kos_database = create_database("kosoutbox");
  s.kos = start_kos_sim({.port = s.kos_port,
                         .database_url = s.kos_database,
                         .log_path = (s.directory / "kos-sim.log").string()});
  s.auth = std::make_unique<StandInAuth>();
  s.mvno_port = find_free_port();
  start_mvno();
  if (!wait_for_http_ok(s.kos_port, "/readyz", 180s)) {
    ADD_FAILURE() << "kos-sim did not become ready; log:\n" << s.kos->read_log();
    return;
  }
  boost::asio::io_context io;
  storage::PgPool pool{io, storage::PgPoolOptions{s.kos_database, 1}};
  auto rows = run_coroutine(
      io, pool.query("SELECT line_number FROM lines WHERE status = 'ACTIVE' AND operator_code = "
                     "'KT' AND line_number NOT LIKE '0109999%' AND line_number NOT IN "
                     "('01012345678', '01087654321', '01055554444') ORDER BY line_number",
                     storage::PgParams{}, deadline_after(10s)));
  if (rows)
    for (std::size_t row = 0; row < rows->row_count(); ++row)
      s.lines.emplace_back(rows->text(row, std::size_t{0}));
  s.product_port = find_free_port();
  s.product_database = create_database("productoutbox");
  s.product = start_product_on(s.product_port, {});
  s.bill_port = find_free_port();
  s.bill_database = create_database("billoutbox");
  start_bill();
  s.gateway = start_gateway({{"PHONEBILL_UPSTREAM_AUTH", s.auth->url()},
                             {"PHONEBILL_UPSTREAM_BILL_INQUIRY", loopback_url(s.bill_port)},
                             {"PHONEBILL_UPSTREAM_PRODUCT_CHANGE", loopback_url(s.product_port)}},
                            s.directory);
}

void OutboxTest::TearDownTestSuite() {
  auto& s = suite();
  if (s.gateway.process) s.gateway.process->stop(10s);
  s.gateway.process.reset();
  for (auto* process : {&s.product2, &s.product, &s.bill}) {
    if (!*process) continue;
    int status = (*process)->stop(15s);
    EXPECT_EQ(status, 0) << "a service did not shut down cleanly; log:\n" << (*process)->read_log();
    process->reset();
  }
  if (s.mvno) s.mvno->stop(5s);
  s.mvno.reset();
  if (s.kos) s.kos->stop(10s);
  s.kos.reset();
  s.auth.reset();
}

void OutboxTest::SetUp() {
  ASSERT_TRUE(suite().product && suite().product->is_running()) << "product-change is not running";
  ASSERT_TRUE(suite().bill && suite().bill->is_running()) << "bill-inquiry is not running";
  ASSERT_TRUE(suite().gateway.process) << "the gateway is not running";
  reset_kos_faults();
  reset_receiver_faults();
  // Each test counts what arrives from its own start (a run of the whole binary in one
  // process shares the stand-in).
  auto cleared = http_call(suite().mvno_port, "DELETE", "/admin/received", {});
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  flush_redis();
}

std::string OutboxTest::token(const std::string& user, const std::string& line,
                              std::vector<std::string> permissions) {
  return suite().auth->sign(user, line, std::move(permissions));
}

OutboxReply OutboxTest::call(const std::string& method, const std::string& target,
                             const std::string& bearer, const std::string& body) {
  http::HeaderList headers;
  if (!bearer.empty()) headers.emplace_back("Authorization", "Bearer " + bearer);
  if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
  auto reply = http_call(suite().gateway.port, method, target, std::move(headers), body, 20s);
  return OutboxReply{reply.status, reply.body, reply.json};
}

OutboxReply OutboxTest::change(const std::string& bearer, const std::string& current,
                               const std::string& target) {
  return call("POST", "/api/v1/products/change", bearer,
              to_json_text(boost::json::object{{"currentProductCode", current},
                                               {"targetProductCode", target}}));
}

OutboxReply OutboxTest::inquiry(const std::string& bearer, const std::string& line) {
  return call("POST", "/api/v1/bills/inquiry", bearer,
              to_json_text(boost::json::object{{"lineNumber", line}}));
}

std::string OutboxTest::current_plan(const std::string& bearer) {
  auto menu = call("GET", "/api/v1/products/menu", bearer);
  if (menu.status != 200) {
    ADD_FAILURE() << "menu: " << menu.body;
    return {};
  }
  return std::string{menu.json.at("data").at("currentProduct").at("productCode").as_string()};
}

std::string OutboxTest::fresh_line() {
  auto& s = suite();
  if (s.next_line >= s.lines.size()) {
    ADD_FAILURE() << "out of test lines";
    return "01000000000";
  }
  return s.lines[s.next_line++];
}

void OutboxTest::set_kos_faults(const std::string& json) {
  auto reply = http_call(suite().kos_port, "PUT", "/admin/faults", {}, json);
  ASSERT_EQ(reply.status, 200) << reply.body;
}

void OutboxTest::reset_kos_faults() {
  auto reply = http_call(suite().kos_port, "DELETE", "/admin/faults", {});
  ASSERT_EQ(reply.status, 200) << reply.body;
}

void OutboxTest::set_receiver_faults(const std::string& json) {
  auto reply = http_call(suite().mvno_port, "PUT", "/admin/faults", {}, json);
  ASSERT_EQ(reply.status, 200) << reply.body;
}

void OutboxTest::reset_receiver_faults() {
  auto reply = http_call(suite().mvno_port, "DELETE", "/admin/faults", {});
  ASSERT_EQ(reply.status, 200) << reply.body;
}

boost::json::object OutboxTest::received(const std::string& type, const std::string& line) {
  std::string target = "/admin/received";
  std::string separator = "?";
  if (!type.empty()) {
    target += separator + "type=" + type;
    separator = "&";
  }
  if (!line.empty()) target += separator + "line=" + line;
  auto reply = http_call(suite().mvno_port, "GET", target, {});
  if (reply.status != 200 || !reply.json.is_object()) {
    ADD_FAILURE() << "received: " << reply.status << " " << reply.body;
    return {};
  }
  return reply.json.as_object();
}

bool OutboxTest::eventually(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(100ms);
  }
  return done();
}

std::optional<std::string> OutboxTest::product_sql(const std::string& sql) {
  return first_value(suite().product_database, sql);
}

std::optional<std::string> OutboxTest::bill_sql(const std::string& sql) {
  return first_value(suite().bill_database, sql);
}

std::uint16_t OutboxTest::mvno_port() { return suite().mvno_port; }
std::uint16_t OutboxTest::product_port() { return suite().product_port; }

void OutboxTest::kill_and_restart_product(const Variables& extra) {
  auto& s = suite();
  s.product->send_signal(SIGKILL);
  s.product->wait_for_exit(15s);
  s.product = start_product_on(s.product_port, extra);
  wait_until_gateway_routes();
}

void OutboxTest::start_second_product() {
  auto& s = suite();
  s.product2_port = find_free_port();
  s.product2 = start_product_on(s.product2_port, {});
}

std::string OutboxTest::product_log() { return suite().product->read_log(); }

std::string masked(const std::string& line) { return masked_line_number(line); }

std::string other_plan(const std::string& current) {
  return current == "LTE-BASIC-001" ? "LTE-PREMIUM-001" : "LTE-BASIC-001";
}

}  // namespace phonebill::test_support
