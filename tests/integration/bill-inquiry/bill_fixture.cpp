// BillInquiryTest: see bill_fixture.hpp.
#include "bill_fixture.hpp"

#include <signal.h>

#include <boost/asio/io_context.hpp>
#include <boost/json/serialize.hpp>

#include <atomic>
#include <filesystem>
#include <memory>
#include <thread>

#include "core/json.hpp"
#include "core/seoul_time.hpp"
#include "gateway_fixture.hpp"
#include "http/client.hpp"
#include "storage/pg_pool.hpp"
#include "support/child_process.hpp"
#include "support/coroutine_test.hpp"
#include "support/http_probe.hpp"
#include "support/kos_sim_process.hpp"
#include "support/response_capture.hpp"
#include "support/service_environment.hpp"
#include "support/stand_in_auth.hpp"
#include "support/stand_in_collector.hpp"
#include "support/test_environment.hpp"

namespace phonebill::test_support {
namespace {

struct Suite {
  std::uint16_t kos_port = 0;
  std::uint16_t bill_port = 0;
  std::string bill_database;
  std::string kos_database;
  std::string log_directory;
  std::unique_ptr<ChildProcess> kos;
  std::unique_ptr<ChildProcess> bill;
  GatewayInstance gateway;
  std::unique_ptr<StandInAuth> auth;  // JWKS and token signing
  // Every process exports all its spans here (bill_trace_test.cpp reads them).
  std::unique_ptr<StandInCollector> collector;
  int restarts = 0;
};

Suite& suite() {
  static Suite instance;
  return instance;
}

// Tracing at 100 % to the suite's stand-in collector, exported every 100 ms.
EnvironmentMap tracing_environment() {
  return {{"PHONEBILL_OTLP_ENDPOINT", suite().collector->url()},
          {"PHONEBILL_TRACE_SAMPLE_RATIO", "1"},
          {"PHONEBILL_OTLP_INTERVAL_MS", "100"}};
}

std::string sign_token(const std::string& user, const std::string& line,
                       std::vector<std::string> permissions) {
  return suite().auth->sign(user, line, std::move(permissions));
}

BillReply exchange(std::uint16_t port, const std::string& method, const std::string& target,
                   const std::string& bearer, const std::string& body,
                   std::chrono::milliseconds timeout) {
  boost::asio::io_context io;
  http::HttpClient client{io, http::ClientOptions{"127.0.0.1", port}};
  http::ClientRequest request{method, target, body};
  if (!bearer.empty()) request.headers.emplace_back("Authorization", "Bearer " + bearer);
  auto started = std::chrono::steady_clock::now();
  auto result = run_coroutine(io, client.send(std::move(request), started + timeout));
  BillReply reply;
  reply.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  if (!result.ok()) return reply;
  capture_response(method, target, result.response->status, result.response->headers,
                   result.response->body);
  reply.status = result.response->status;
  reply.body = result.response->body;
  reply.header_retry_after = std::string{result.response->header("retry-after")};
  for (const auto& [name, value] : result.response->headers)
    reply.headers.emplace_back(name, value);
  if (auto parsed = parse_json(reply.body)) reply.json = std::move(*parsed);
  return reply;
}

double scrape(std::uint16_t port, const std::string& series_prefix) {
  auto reply = exchange(port, "GET", "/metrics", "", "", std::chrono::seconds{5});
  double total = 0;
  std::size_t start = 0;
  while (start < reply.body.size()) {
    auto end = reply.body.find('\n', start);
    if (end == std::string::npos) end = reply.body.size();
    std::string line = reply.body.substr(start, end - start);
    if (line.rfind(series_prefix, 0) == 0) {
      auto space = line.rfind(' ');
      total += std::stod(line.substr(space + 1));
    }
    start = end + 1;
  }
  return total;
}

void start_bill(const std::string& redis) {
  auto& s = suite();
  ChildProcessOptions options;
  options.executable = build_directory() + "/services/bill-inquiry/bill-inquiry";
  options.environment = service_environment(
      "bill-inquiry",
      {{"PORT", std::to_string(s.bill_port)},
       {"DATABASE_URL", s.bill_database},
       {"REDIS_URL", redis},
       {"KOS_SIM_URL", loopback_url(s.kos_port)},
       {"AUTH_URL", s.auth->url()},
       {"SECRETS_DIR", s.log_directory + "/secrets"}},
      {{"PHONEBILL_ACCESS_LOG", "false"},
       {"PHONEBILL_SHUTDOWN_GRACE_MS", "2000"},
       // Long enough for the outage test's fail-fast rounds, short enough to wait out.
       {"PHONEBILL_KOS_BREAKER_OPEN_MS", "5000"},
       {"PHONEBILL_KOS_INQUIRY_TIMEOUT_MS", "1000"},
       {"PHONEBILL_KOS_RETRY_BASE_DELAY_MS", "20"},
       // Short freshness so the stale-copy test need not wait a day.
       {"PHONEBILL_BILL_CACHE_CLOSED_MONTH_MS", "4000"},
       {"PHONEBILL_BILL_CACHE_CURRENT_MONTH_MS", "4000"},
       // These tests rewrite and swap cached values in Redis under the running service
       // and expect the next inquiry to read them; the near cache (on in production,
       // tested in bill_fleet_test.cpp) would answer from what it held.
       {"PHONEBILL_BILL_NEAR_CACHE_MS", "0"}});
  for (auto& [name, value] : tracing_environment()) options.environment[name] = value;
  options.log_path = s.log_directory + "/bill-inquiry-" + std::to_string(s.restarts++) + ".log";
  s.bill = std::make_unique<ChildProcess>(options);
  if (!wait_for_http_ok(s.bill_port, "/readyz", std::chrono::seconds{60})) {
    ADD_FAILURE() << "bill-inquiry did not become ready; log:\n" << s.bill->read_log();
  }
}

// The gateway in front of bill-inquiry. It fetches its JWKS from PHONEBILL_UPSTREAM_AUTH
// (/api/v1/auth/jwks), here the in-process JWKS server; product-change points at a
// closed port (unused). Rate limits are off (start_gateway's default). Its per-upstream
// breaker counts transport failures only (a 503 KOS_UNAVAILABLE is an answer); it
// reopens after 300 ms so the kill -9 test does not leave it open for later tests.
void start_gateway_for_bill() {
  auto& s = suite();
  std::map<std::string, std::string> environment{
      {"PHONEBILL_UPSTREAM_AUTH", s.auth->url()},
      {"PHONEBILL_UPSTREAM_BILL_INQUIRY", "http://127.0.0.1:" + std::to_string(s.bill_port)},
      {"PHONEBILL_UPSTREAM_PRODUCT_CHANGE", "http://127.0.0.1:1"},
      {"PHONEBILL_ACCESS_LOG", "false"},
      {"PHONEBILL_GATEWAY_BREAKER_OPEN_MS", "300"},
      {"PHONEBILL_GATEWAY_EJECT_MS", "300"}};
  for (auto& [name, value] : tracing_environment()) environment[name] = value;
  s.gateway = start_gateway(std::move(environment), std::filesystem::path{s.log_directory});
}

// Waits until a request through the gateway reaches bill-inquiry again (after a
// restart the gateway may hold dead pooled connections or a briefly open breaker).
void wait_until_gateway_routes() {
  auto& s = suite();
  auto bearer = sign_token("probe", "01012345678", {"BILL_INQUIRY"});
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds{15};
  BillReply reply;
  while (std::chrono::steady_clock::now() < until) {
    reply = exchange(s.gateway.port, "GET", "/api/v1/bills/history?size=1", bearer, "",
                     std::chrono::seconds{2});
    if (reply.status == 200) return;
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
  }
  ADD_FAILURE() << "the gateway does not reach bill-inquiry (last: " << reply.status << " "
                << reply.body << "); gateway log:\n"
                << s.gateway.process->read_log();
}

}  // namespace

const boost::json::value& BillReply::data() const {
  static const boost::json::value kNull;
  if (!json.is_object()) return kNull;
  auto* data = json.as_object().if_contains("data");
  return data ? *data : kNull;
}

std::string BillReply::error_code() const {
  if (!json.is_object()) return {};
  auto* error = json.as_object().if_contains("error");
  if (!error || !error->is_object()) return {};
  auto* code = error->as_object().if_contains("code");
  return code && code->is_string() ? std::string{code->get_string()} : std::string{};
}

std::string BillReply::source() const {
  const auto& d = data();
  if (!d.is_object()) return {};
  auto* source = d.as_object().if_contains("source");
  return source && source->is_string() ? std::string{source->get_string()} : std::string{};
}

std::string BillReply::header(const std::string& name) const {
  for (const auto& [key, value] : headers)
    if (key == name) return value;
  return {};
}

void BillInquiryTest::SetUpTestSuite() {
  auto& s = suite();
  if (s.bill) return;
  s.log_directory = make_temp_directory("bill").string();
  s.collector = std::make_unique<StandInCollector>();
  // kos-sim
  s.kos_port = find_free_port();
  s.kos_database = create_database("kosbill");
  s.kos = start_kos_sim({.port = s.kos_port,
                         .database_url = s.kos_database,
                         .log_path = s.log_directory + "/kos-sim.log",
                         .overrides = tracing_environment()});
  // JWKS, served from this process (for bill-inquiry and the gateway alike).
  s.auth = std::make_unique<StandInAuth>();
  if (!wait_for_http_ok(s.kos_port, "/readyz", std::chrono::seconds{180})) {
    ADD_FAILURE() << "kos-sim did not become ready; log:\n" << s.kos->read_log();
    return;
  }
  s.bill_port = find_free_port();
  s.bill_database = create_database("bill");
  start_bill(redis_url());
  start_gateway_for_bill();
  if (s.gateway.process && s.gateway.process->is_running()) wait_until_gateway_routes();
}

void BillInquiryTest::TearDownTestSuite() {
  auto& s = suite();
  if (s.gateway.process) {
    int status = s.gateway.process->stop(std::chrono::seconds{10});
    EXPECT_EQ(status, 0) << "gateway did not shut down cleanly; log:\n"
                         << s.gateway.process->read_log();
    s.gateway.process.reset();
  }
  if (s.bill) {
    int status = s.bill->stop(std::chrono::seconds{15});
    EXPECT_EQ(status, 0) << "bill-inquiry did not shut down cleanly; log:\n" << s.bill->read_log();
    s.bill.reset();
  }
  if (s.kos) s.kos->stop(std::chrono::seconds{10});
  s.kos.reset();
  s.auth.reset();
  s.collector.reset();
}

const StandInCollector& BillInquiryTest::collector() { return *suite().collector; }

void BillInquiryTest::SetUp() {
  ASSERT_TRUE(suite().bill && suite().bill->is_running()) << "bill-inquiry is not running";
  ASSERT_TRUE(suite().gateway.process && suite().gateway.process->is_running())
      << "the gateway is not running";
  reset_kos_faults();
  flush_redis();
}

std::string BillInquiryTest::token(const std::string& user, const std::string& line,
                                   std::vector<std::string> permissions) {
  return sign_token(user, line, std::move(permissions));
}

BillReply BillInquiryTest::call(const std::string& method, const std::string& target,
                                const std::string& bearer, const std::string& body,
                                std::chrono::milliseconds timeout) {
  return exchange(suite().gateway.port, method, target, bearer, body, timeout);
}

BillReply BillInquiryTest::inquire(const std::string& bearer, const boost::json::value& body) {
  return call("POST", "/api/v1/bills/inquiry", bearer, boost::json::serialize(body));
}

BillReply BillInquiryTest::call_direct(const std::string& method, const std::string& target,
                                       const std::string& bearer, const std::string& body,
                                       std::chrono::milliseconds timeout) {
  return exchange(suite().bill_port, method, target, bearer, body, timeout);
}

BillReply BillInquiryTest::inquire_direct(const std::string& bearer,
                                          const boost::json::value& body) {
  return call_direct("POST", "/api/v1/bills/inquiry", bearer, boost::json::serialize(body));
}

void BillInquiryTest::set_kos_faults(const std::string& json) {
  auto reply =
      exchange(suite().kos_port, "PUT", "/admin/faults", "", json, std::chrono::seconds{5});
  ASSERT_EQ(reply.status, 200) << reply.body;
}

void BillInquiryTest::reset_kos_faults() {
  auto reply =
      exchange(suite().kos_port, "DELETE", "/admin/faults", "", "", std::chrono::seconds{5});
  ASSERT_EQ(reply.status, 200) << reply.body;
}

const std::string& BillInquiryTest::bill_database_url() { return suite().bill_database; }

std::int64_t BillInquiryTest::sql_count(const std::string& sql) {
  boost::asio::io_context io;
  storage::PgPool pool{io, storage::PgPoolOptions{suite().bill_database, 1}};
  auto result = run_coroutine(io, pool.query(sql, storage::PgParams{},
                                             phonebill::deadline_after(std::chrono::seconds{10})));
  if (!result) {
    ADD_FAILURE() << storage::describe(result.error());
    return -1;
  }
  return result->int64(0, 0);
}

std::string BillInquiryTest::kos_sql_text(const std::string& sql) {
  boost::asio::io_context io;
  storage::PgPool pool{io, storage::PgPoolOptions{suite().kos_database, 1}};
  auto result = run_coroutine(io, pool.query(sql, storage::PgParams{},
                                             phonebill::deadline_after(std::chrono::seconds{10})));
  if (!result) {
    ADD_FAILURE() << storage::describe(result.error());
    return {};
  }
  if (result->empty() || result->column_count() == 0) return {};
  return result->optional_text(0, std::size_t{0}).value_or("");
}

double BillInquiryTest::metric(const std::string& series_prefix) {
  return scrape(suite().bill_port, series_prefix);
}

double BillInquiryTest::gateway_metric(const std::string& series_prefix) {
  return scrape(suite().gateway.admin_port, series_prefix);
}

std::string BillInquiryTest::metrics_text(std::uint16_t port) {
  auto reply = exchange(port, "GET", "/metrics", "", "", std::chrono::seconds{5});
  return reply.status == 200 ? reply.body : std::string{};
}

std::uint16_t BillInquiryTest::gateway_admin_port() { return suite().gateway.admin_port; }

void BillInquiryTest::kill_service(int signal) {
  auto& s = suite();
  s.bill->send_signal(signal);
  s.bill->wait_for_exit(std::chrono::seconds{15});
}

void BillInquiryTest::start_service() {
  start_bill(redis_url());
  wait_until_gateway_routes();
}

void BillInquiryTest::restart_service(int signal) {
  kill_service(signal);
  start_service();
}

void BillInquiryTest::restart_service_with_redis(const std::string& redis) {
  auto& s = suite();
  s.bill->stop(std::chrono::seconds{15});
  start_bill(redis);
  wait_until_gateway_routes();
}

std::uint16_t BillInquiryTest::port() { return suite().bill_port; }
std::string BillInquiryTest::secrets_directory() { return suite().log_directory + "/secrets"; }
std::uint16_t BillInquiryTest::gateway_port() { return suite().gateway.port; }
std::uint16_t BillInquiryTest::kos_port() { return suite().kos_port; }

BillingMonth BillInquiryTest::current_month() {
  return seoul_month(std::chrono::system_clock::now());
}

}  // namespace phonebill::test_support
