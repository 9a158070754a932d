#include "kos_sim_fixture.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <atomic>

#include "core/json.hpp"
#include "core/seoul_time.hpp"
#include "http/client.hpp"
#include "storage/pg_pool.hpp"
#include "support/child_process.hpp"
#include "support/coroutine_test.hpp"
#include "support/http_probe.hpp"
#include "support/kos_sim_process.hpp"
#include "support/response_capture.hpp"
#include "support/service_environment.hpp"
#include "support/test_environment.hpp"

namespace phonebill::test_support {
namespace {

struct SharedKosSim {
  std::uint16_t port = 0;
  std::string database_url;
  std::unique_ptr<ChildProcess> process;
};

SharedKosSim& shared() {
  static SharedKosSim instance;
  return instance;
}

}  // namespace

std::string KosReply::result_code() const {
  if (!json.is_object()) return {};
  auto* code = json.as_object().if_contains("resultCode");
  return code && code->is_string() ? std::string{code->get_string()} : std::string{};
}

const boost::json::value& KosReply::data() const {
  static const boost::json::value kNull;
  if (!json.is_object()) return kNull;
  auto* data = json.as_object().if_contains("data");
  return data ? *data : kNull;
}

void KosSimTest::SetUpTestSuite() {
  auto& kos = shared();
  if (kos.process) return;
  kos.port = find_free_port();
  kos.database_url = create_database("kos");
  auto log_directory = make_temp_directory("kos-sim");
  kos.process = start_kos_sim(
      {.port = kos.port,
       .database_url = kos.database_url,
       .log_path = (log_directory / "kos-sim.log").string(),
       .overrides = {{"PHONEBILL_REQUEST_DEADLINE_MS", "15000"},
                     // Requests held open by the timeout fault end at shutdown after this grace.
                     {"PHONEBILL_SHUTDOWN_GRACE_MS", "2000"},
                     // The access log stays on: this suite is kos-sim's own.
                     {"PHONEBILL_ACCESS_LOG", "true"}}});
  if (!wait_for_http_ok(kos.port, "/readyz", std::chrono::seconds{180})) {
    ADD_FAILURE() << "kos-sim did not become ready; log:\n" << kos.process->read_log();
  }
}

void KosSimTest::TearDownTestSuite() {
  auto& kos = shared();
  if (kos.process) {
    int status = kos.process->stop(std::chrono::seconds{15});
    EXPECT_EQ(status, 0) << "kos-sim did not shut down cleanly; log:\n" << kos.process->read_log();
    kos.process.reset();
  }
}

void KosSimTest::SetUp() {
  ASSERT_TRUE(shared().process && shared().process->is_running()) << "kos-sim is not running";
  auto reset = call("DELETE", "/admin/faults");
  ASSERT_EQ(reset.status, 200) << reset.body;
}

std::uint16_t KosSimTest::port() { return shared().port; }

void KosSimTest::run_sql(const std::string& sql) {
  boost::asio::io_context io;
  storage::PgPool pool{io, storage::PgPoolOptions{shared().database_url, 1}};
  auto result = run_coroutine(io, pool.query(sql, storage::PgParams{},
                                             phonebill::deadline_after(std::chrono::seconds{10})));
  ASSERT_TRUE(result) << storage::describe(result.error());
}

KosReply KosSimTest::call(const std::string& method, const std::string& target,
                          const std::string& body, std::chrono::milliseconds timeout,
                          const std::string& extra_header) {
  boost::asio::io_context io;
  http::HttpClient client{io, http::ClientOptions{"127.0.0.1", port()}};
  http::ClientRequest request{method, target, body};
  if (!extra_header.empty()) {
    auto colon = extra_header.find(':');
    request.headers.emplace_back(extra_header.substr(0, colon), extra_header.substr(colon + 2));
  }
  auto started = std::chrono::steady_clock::now();
  auto result = run_coroutine(io, client.send(std::move(request), started + timeout));
  KosReply reply;
  reply.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  if (!result.ok()) {
    reply.timed_out = result.error->kind == http::ClientErrorKind::kTimeout;
    return reply;
  }
  capture_response(method, target, result.response->status, result.response->headers,
                   result.response->body);
  reply.status = result.response->status;
  reply.body = result.response->body;
  if (auto parsed = parse_json(reply.body)) reply.json = std::move(*parsed);
  return reply;
}

KosReply KosSimTest::post_json(const std::string& target, const boost::json::value& body,
                               std::chrono::milliseconds timeout) {
  return call("POST", target, boost::json::serialize(body), timeout);
}

void KosSimTest::set_faults(const boost::json::value& settings) {
  auto reply = call("PUT", "/admin/faults", boost::json::serialize(settings));
  ASSERT_EQ(reply.status, 200) << reply.body;
}

BillingMonth KosSimTest::current_month() { return seoul_month(std::chrono::system_clock::now()); }

std::string KosSimTest::unique_request_id(const std::string& prefix) {
  static std::atomic<int> counter{0};
  return prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 1000000);
}

}  // namespace phonebill::test_support
