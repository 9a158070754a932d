#include "auth_fixture.hpp"

#include <libpq-fe.h>

#include <boost/asio/io_context.hpp>
#include <boost/json/serialize.hpp>

#include <atomic>
#include <memory>

#include "core/json.hpp"
#include "http/client.hpp"
#include "support/child_process.hpp"
#include "support/coroutine_test.hpp"
#include "support/http_probe.hpp"
#include "support/response_capture.hpp"
#include "support/service_environment.hpp"
#include "support/test_environment.hpp"

namespace phonebill::test_support {
namespace {

namespace json = boost::json;

struct Instance {
  std::uint16_t port = 0;
  std::unique_ptr<ChildProcess> process;
};

struct SharedAuth {
  std::string dsn;
  std::string secrets;
  std::string logs;
  std::vector<Instance> instances;
  std::string admin_token;
};

SharedAuth& shared() {
  static SharedAuth instance;
  return instance;
}

const json::value& member(const json::value& value, std::string_view key) {
  static const json::value kNull;
  if (!value.is_object()) return kNull;
  auto* found = value.as_object().if_contains(key);
  return found ? *found : kNull;
}

}  // namespace

std::string AuthReply::code() const {
  const auto& code = member(member(json, "error"), "code");
  return code.is_string() ? std::string{code.get_string()} : std::string{};
}

const json::value& AuthReply::data() const { return member(json, "data"); }
const json::value& AuthReply::details() const { return member(member(json, "error"), "details"); }

std::string AuthReply::text(std::string_view key) const {
  const auto& value = member(data(), key);
  return value.is_string() ? std::string{value.get_string()} : std::string{};
}

void AuthTest::SetUpTestSuite() {
  auto& auth = shared();
  if (!auth.instances.empty()) return;
  auth.dsn = create_database("auth");
  auth.secrets = make_temp_directory("auth-secrets").string();
  auth.logs = make_temp_directory("auth-logs").string();
  start_instance(InstanceSettings{});
}

namespace {

// How an instance with `settings` is started on `port` (its log named after `sequence`).
ChildProcessOptions instance_options(const InstanceSettings& settings, std::uint16_t port,
                                     std::size_t sequence) {
  auto& auth = shared();
  ChildProcessOptions options;
  options.executable = build_directory() + "/services/auth/auth";
  options.environment = service_environment(
      "auth",
      {{"PORT", std::to_string(port)},
       {"DATABASE_URL", settings.database_dsn.empty() ? auth.dsn : settings.database_dsn},
       {"REDIS_URL", settings.redis_url.empty() ? redis_url() : settings.redis_url},
       {"SECRETS_DIR", auth.secrets}},
      {{"PHONEBILL_LOG_LEVEL", "debug"},
       {"PHONEBILL_REQUEST_DEADLINE_MS", "20000"},
       {"PHONEBILL_AUTH_LOCK_SECONDS", std::to_string(settings.lock_seconds)}});
  for (const auto& [name, value] : settings.environment) options.environment[name] = value;
  for (const auto& name : settings.unset_environment) options.environment.erase(name);
  options.log_path = auth.logs + "/" + settings.name + "-" + std::to_string(sequence) + ".log";
  return options;
}

}  // namespace

std::size_t AuthTest::start_instance(InstanceSettings settings) {
  auto& auth = shared();
  Instance instance;
  instance.port = find_free_port();
  instance.process = std::make_unique<ChildProcess>(
      instance_options(settings, instance.port, auth.instances.size()));
  if (!wait_for_http_ok(instance.port, "/readyz", std::chrono::seconds{120})) {
    ADD_FAILURE() << settings.name << " did not become ready; log:\n"
                  << instance.process->read_log();
  }
  auth.instances.push_back(std::move(instance));
  return auth.instances.size() - 1;
}

ExitedInstance AuthTest::run_to_exit(InstanceSettings settings, std::vector<std::string> arguments,
                                     std::chrono::seconds limit) {
  static std::atomic<int> sequence{1000};
  auto options = instance_options(settings, find_free_port(), std::size_t(sequence++));
  options.arguments = std::move(arguments);
  ChildProcess process{options};
  ExitedInstance exited;
  auto status = process.wait_for_exit(limit);
  if (!status) {
    ADD_FAILURE() << settings.name << " still runs after " << limit.count() << " s";
    process.stop(std::chrono::seconds{10});
  }
  exited.status = status.value_or(-1);
  exited.log = process.read_log();
  return exited;
}

void AuthTest::TearDownTestSuite() {
  auto& auth = shared();
  for (auto& instance : auth.instances) {
    if (!instance.process) continue;
    int status = instance.process->stop(std::chrono::seconds{10});
    EXPECT_EQ(status, 0) << "auth did not shut down cleanly; log:\n"
                         << instance.process->read_log();
  }
  auth.instances.clear();
  auth.admin_token.clear();
}

void AuthTest::SetUp() {
  // A test that stopped every instance (the log scan) leaves the next one a fresh start.
  if (shared().instances.empty() && !shared().dsn.empty()) start_instance(InstanceSettings{});
  ASSERT_FALSE(shared().instances.empty());
  ASSERT_TRUE(shared().instances[0].process->is_running()) << "auth is not running";
}

std::uint16_t AuthTest::port(std::size_t instance) { return shared().instances.at(instance).port; }

std::string AuthTest::stop_instance(std::size_t index) {
  auto& instance = shared().instances.at(index);
  if (!instance.process) return {};
  EXPECT_EQ(instance.process->stop(std::chrono::seconds{10}), 0);
  auto log = instance.process->read_log();
  instance.process.reset();
  return log;
}

std::string AuthTest::stop_all_and_collect_logs() {
  std::string logs;
  for (auto& instance : shared().instances) {
    if (!instance.process) continue;
    EXPECT_EQ(instance.process->stop(std::chrono::seconds{10}), 0);
    logs += instance.process->read_log();
    instance.process.reset();
  }
  shared().instances.clear();
  return logs;
}

AuthReply AuthTest::call(std::uint16_t port, const std::string& method, const std::string& target,
                         const std::string& body, const Headers& headers) {
  boost::asio::io_context io;
  http::HttpClient client{io, http::ClientOptions{"127.0.0.1", port}};
  http::ClientRequest request{method, target, body};
  for (const auto& header : headers) request.headers.push_back(header);
  auto started = std::chrono::steady_clock::now();
  auto result =
      run_coroutine(io, client.send(std::move(request), started + std::chrono::seconds{30}));
  AuthReply reply;
  reply.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  if (!result.ok()) return reply;
  capture_response(method, target, result.response->status, result.response->headers,
                   result.response->body);
  reply.status = result.response->status;
  reply.body = result.response->body;
  if (auto parsed = parse_json(reply.body)) reply.json = std::move(*parsed);
  return reply;
}

namespace {

Headers bearer_headers(const std::string& bearer) {
  Headers headers;
  if (!bearer.empty()) headers.emplace_back("Authorization", "Bearer " + bearer);
  return headers;
}

}  // namespace

AuthReply AuthTest::post(const std::string& target, const json::value& body,
                         const std::string& bearer, std::size_t instance) {
  return call(port(instance), "POST", target, json::serialize(body), bearer_headers(bearer));
}

AuthReply AuthTest::get(const std::string& target, const std::string& bearer,
                        std::size_t instance) {
  return call(port(instance), "GET", target, {}, bearer_headers(bearer));
}

AuthReply AuthTest::put(const std::string& target, const json::value& body,
                        const std::string& bearer, std::size_t instance) {
  return call(port(instance), "PUT", target, json::serialize(body), bearer_headers(bearer));
}

AuthReply AuthTest::login(const std::string& user_id, const std::string& password, bool auto_login,
                          std::size_t instance) {
  return post("/api/v1/auth/login",
              json::object{{"userId", user_id}, {"password", password}, {"autoLogin", auto_login}},
              {}, instance);
}

Tokens AuthTest::login_ok(const std::string& user_id, const std::string& password,
                          std::size_t instance) {
  auto reply = login(user_id, password, false, instance);
  EXPECT_EQ(reply.status, 200) << reply.body;
  return Tokens{reply.text("accessToken"), reply.text("refreshToken")};
}

const std::string& AuthTest::admin_access_token() {
  auto& auth = shared();
  if (auth.admin_token.empty()) auth.admin_token = login_ok("admin", "Adm1nPass!00").access;
  return auth.admin_token;
}

std::string AuthTest::create_user(const std::string& prefix, std::vector<std::string> permissions) {
  static std::atomic<int> counter{0};
  std::string user_id = prefix + "_" + std::to_string(counter++);
  json::array names;
  for (const auto& name : permissions) names.emplace_back(name);
  auto reply = post("/api/v1/admin/users",
                    json::object{{"userId", user_id},
                                 {"password", kUserPassword},
                                 {"userName", "테스트 사용자"},
                                 {"customerId", "C900000001"},
                                 {"lineNumber", "010-1111-2222"},
                                 {"permissions", std::move(names)}},
                    admin_access_token());
  EXPECT_EQ(reply.status, 201) << reply.body;
  return user_id;
}

std::string AuthTest::sql_value(const std::string& sql, const std::string& dsn) {
  PGconn* connection = PQconnectdb(dsn.empty() ? shared().dsn.c_str() : dsn.c_str());
  std::string value;
  if (PQstatus(connection) == CONNECTION_OK) {
    PGresult* result = PQexec(connection, sql.c_str());
    if (PQresultStatus(result) != PGRES_TUPLES_OK)
      ADD_FAILURE() << "sql failed: " << sql << ": " << PQerrorMessage(connection);
    else if (PQntuples(result) > 0)
      value = PQgetvalue(result, 0, 0);
    PQclear(result);
  } else {
    ADD_FAILURE() << "cannot connect: " << PQerrorMessage(connection);
  }
  PQfinish(connection);
  return value;
}

const std::string& AuthTest::secrets_directory() { return shared().secrets; }
const std::string& AuthTest::database_dsn() { return shared().dsn; }

}  // namespace phonebill::test_support
