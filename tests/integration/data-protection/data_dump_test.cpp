// The dump test of issue 19 ("must show", SPEC §14): after a run that logs in through the
// gateway, creates users with generated KOS customers' names and lines, inquires bills
// (a cache miss, then a hit), reads history by line, changes plans and has the outbox
// deliver its events, a pg_dump of every service database (auth, bill, product: the
// fixture's databases_) and a dump of every Redis key and value hold no user's name, no
// line number (canonical, dashed) and no amount of a bill that was shown. Everything is
// real: gateway, auth, bill-inquiry, product-change, kos-sim, mvno-ap-sim, PostgreSQL,
// Redis. PHONEBILL_DUMP_TEST_BINARIES points it at
// another build tree's binaries (to show that it fails where values are stored clear).
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <boost/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "core/json.hpp"
#include "gateway_fixture.hpp"
#include "support/child_process.hpp"
#include "support/http_probe.hpp"
#include "support/kos_sim_process.hpp"
#include "support/service_environment.hpp"
#include "support/test_environment.hpp"

namespace phonebill::test_support {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

struct Person {
  std::string user_id, password, name, customer_id, line;  // line: canonical
};

const std::vector<Person> kDemoUsers = {
    {"user01", "Passw0rd!01", "홍길동", "C000000001", "01012345678"},
    {"user02", "Passw0rd!02", "김영희", "C000000002", "01087654321"}};
// Demo values that are not logged in but are in auth's database all the same.
const std::vector<std::string> kOtherDemoValues = {"이철수", "01055554444", "박관리",
                                                   "01099998888"};
constexpr const char* kGeneratedPassword = "Generated!Pass01";
constexpr int kGeneratedUsers = 3;

std::string binaries() {
  if (auto other = environment_variable("PHONEBILL_DUMP_TEST_BINARIES")) return *other;
  return build_directory();
}

// Every row of `sql` on `dsn`, each column as text.
std::vector<std::vector<std::string>> sql_rows(const std::string& dsn, const std::string& sql) {
  std::vector<std::vector<std::string>> rows;
  PGconn* connection = PQconnectdb(dsn.c_str());
  if (PQstatus(connection) != CONNECTION_OK) {
    ADD_FAILURE() << "connect: " << PQerrorMessage(connection);
    PQfinish(connection);
    return rows;
  }
  PGresult* result = PQexec(connection, sql.c_str());
  if (PQresultStatus(result) != PGRES_TUPLES_OK) {
    ADD_FAILURE() << "sql failed: " << sql << ": " << PQerrorMessage(connection);
  } else {
    for (int row = 0; row < PQntuples(result); ++row) {
      std::vector<std::string> values;
      for (int column = 0; column < PQnfields(result); ++column)
        values.emplace_back(PQgetvalue(result, row, column));
      rows.push_back(std::move(values));
    }
  }
  PQclear(result);
  PQfinish(connection);
  return rows;
}

// The output of a shell command (its exit status must be 0).
std::string command_output(const std::string& command) {
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) {
    ADD_FAILURE() << "cannot run " << command;
    return output;
  }
  char buffer[65536];
  std::size_t read = 0;
  while ((read = fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, read);
  int status = pclose(pipe);
  EXPECT_EQ(status, 0) << command;
  return output;
}

std::string shell_quoted(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string{"'\\''"} : std::string(1, c);
  return quoted + "'";
}

// Every key of the test Redis with its value, read by type (never DUMP: its RDB form may
// compress a long string, which would hide a clear value from the grep).
std::string dump_redis(const fs::path& directory) {
  // This process's logical database: the one redis_url() (and so every service) names.
  const auto& url = redis_url();
  const auto slash = url.rfind('/');
  const std::string database = slash > url.find("://") + 2 ? url.substr(slash + 1) : "0";
  const std::string cli = "redis-cli -h " + redis_host() + " -p " + std::to_string(redis_port()) +
                          " -n " + (database.empty() ? "0" : database) + " ";
  auto keys_text = command_output(cli + "--scan");
  std::vector<std::string> keys;
  std::istringstream lines{keys_text};
  for (std::string key; std::getline(lines, key);)
    if (!key.empty()) keys.push_back(key);
  if (keys.empty()) return {};
  auto types_file = directory / "redis-types.txt";
  {
    std::ofstream out{types_file};
    for (const auto& key : keys) out << "TYPE " << key << '\n';
  }
  std::istringstream types{command_output(cli + "< " + shell_quoted(types_file.string()))};
  auto reads_file = directory / "redis-reads.txt";
  {
    std::ofstream out{reads_file};
    for (const auto& key : keys) {
      std::string type;
      std::getline(types, type);
      if (type == "string") out << "GET " << key << '\n';
      if (type == "hash") out << "HGETALL " << key << '\n';
      if (type == "list") out << "LRANGE " << key << " 0 -1\n";
      if (type == "set") out << "SMEMBERS " << key << '\n';
      if (type == "zset") out << "ZRANGE " << key << " 0 -1 WITHSCORES\n";
      if (type == "stream") out << "XRANGE " << key << " - +\n";
    }
  }
  return keys_text + "\n" + command_output(cli + "< " + shell_quoted(reads_file.string()));
}

std::string dashed(const std::string& line) {
  return line.substr(0, 3) + "-" + line.substr(3, line.size() - 7) + "-" +
         line.substr(line.size() - 4);
}

// Every integer member named *Amount of a JSON value, recursively.
void collect_amounts(const json::value& value, std::set<std::int64_t>& amounts) {
  if (value.is_object()) {
    for (const auto& [key, member] : value.as_object()) {
      if (member.is_int64() && key.ends_with("Amount")) amounts.insert(member.as_int64());
      collect_amounts(member, amounts);
    }
  } else if (value.is_array()) {
    for (const auto& element : value.as_array()) collect_amounts(element, amounts);
  }
}

class DataDumpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    flush_redis();  // only this run's keys are dumped
    directory_ = make_temp_directory("data-dump");
    const auto secrets = directory_ / "secrets";
    fs::create_directories(secrets);

    kos_port_ = find_free_port();
    kos_dsn_ = create_database("dumpkos");
    kos_ = start_kos_sim({.port = kos_port_, .database_url = kos_dsn_, .log_path = log("kos-sim")});
    ASSERT_TRUE(wait_for_http_ok(kos_port_, "/readyz", 180s)) << kos_->read_log();

    // The service databases the dump reads, in one place.
    databases_ = {{"auth", create_database("dumpauth")},
                  {"bill", create_database("dumpbill")},
                  {"product", create_database("dumpproduct")}};

    auth_port_ = find_free_port();
    ChildProcessOptions auth;
    auth.executable = binaries() + "/services/auth/auth";
    auth.environment = service_environment("auth",
                                           {{"PORT", std::to_string(auth_port_)},
                                            {"DATABASE_URL", databases_.at("auth")},
                                            {"REDIS_URL", redis_url()},
                                            {"SECRETS_DIR", secrets.string()}},
                                           {{"PHONEBILL_SHUTDOWN_GRACE_MS", "1000"}});
    auth.log_path = log("auth");
    auth_ = std::make_unique<ChildProcess>(auth);
    ASSERT_TRUE(wait_for_http_ok(auth_port_, "/readyz", 120s)) << auth_->read_log();

    mvno_port_ = find_free_port();
    ChildProcessOptions mvno;
    mvno.executable = binaries() + "/services/mvno-ap-sim/mvno-ap-sim";
    mvno.environment = {{"PHONEBILL_HTTP_ADDRESS", "127.0.0.1"},
                        {"PHONEBILL_HTTP_PORT", std::to_string(mvno_port_)},
                        {"PHONEBILL_ACCESS_LOG", "false"},
                        {"MVNO_AP_SIM_SECRETS", "dump-test-secret"}};
    mvno.log_path = log("mvno-ap-sim");
    mvno_ = std::make_unique<ChildProcess>(mvno);
    ASSERT_TRUE(wait_for_http_ok(mvno_port_, "/readyz", 30s)) << mvno_->read_log();

    // bill-inquiry and product-change deliver their events to the MVNO stand-in.
    const std::map<std::string, std::string> outbox{
        {"PHONEBILL_MVNO_AP_URL", loopback_url(mvno_port_)},
        {"PHONEBILL_MVNO_AP_SECRETS", "dump-test-secret"},
        {"PHONEBILL_OUTBOX_POLL_MS", "100"}};
    bill_port_ = find_free_port();
    bill_ = service_on("bill-inquiry", databases_.at("bill"), bill_port_, "bill-inquiry", outbox);
    ASSERT_TRUE(wait_for_http_ok(bill_port_, "/readyz", 120s)) << bill_->read_log();
    product_port_ = find_free_port();
    product_ = service_on("product-change", databases_.at("product"), product_port_,
                          "product-change", outbox);
    ASSERT_TRUE(wait_for_http_ok(product_port_, "/readyz", 120s)) << product_->read_log();

    gateway_ = start_gateway({{"PHONEBILL_UPSTREAM_AUTH", loopback_url(auth_port_)},
                              {"PHONEBILL_UPSTREAM_BILL_INQUIRY", loopback_url(bill_port_)},
                              {"PHONEBILL_UPSTREAM_PRODUCT_CHANGE", loopback_url(product_port_)}},
                             directory_);
    ASSERT_TRUE(gateway_.process);
  }

  void TearDown() override {
    if (gateway_.process) gateway_.process->stop(5s);
    for (auto* process : {&product_, &bill_, &mvno_, &auth_, &kos_})
      if (*process) (*process)->stop(10s);
  }

  // `service` (bill-inquiry or product-change) on `dsn` and its own port, sharing the
  // ring, KOS and auth; `environment` on top of the service's own settings.
  std::unique_ptr<ChildProcess> service_on(const std::string& service, const std::string& dsn,
                                           std::uint16_t port, const std::string& name,
                                           std::map<std::string, std::string> environment = {}) {
    ChildProcessOptions options;
    options.executable = binaries() + "/services/" + service + "/" + service;
    environment.emplace("PHONEBILL_SHUTDOWN_GRACE_MS", "2000");
    options.environment = service_environment(service,
                                              {{"PORT", std::to_string(port)},
                                               {"DATABASE_URL", dsn},
                                               {"REDIS_URL", redis_url()},
                                               {"KOS_SIM_URL", loopback_url(kos_port_)},
                                               {"AUTH_URL", loopback_url(auth_port_)},
                                               {"SECRETS_DIR", (directory_ / "secrets").string()}},
                                              environment);
    options.log_path = log(name);
    return std::make_unique<ChildProcess>(options);
  }

  std::string log(const std::string& name) const { return (directory_ / (name + ".log")).string(); }

  Reply call(const std::string& method, const std::string& target, const std::string& token,
             const std::string& body = {}) {
    http::HeaderList headers;
    if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    return http_call(gateway_.port, method, target, std::move(headers), body, 20s);
  }

  std::string login(const std::string& user, const std::string& password) {
    auto reply = call("POST", "/api/v1/auth/login", {},
                      to_json_text(json::object{{"userId", user}, {"password", password}}));
    EXPECT_EQ(reply.status, 200) << reply.body;
    if (reply.status != 200) return {};
    return std::string{reply.json.at("data").at("accessToken").as_string()};
  }

  // Generated KOS customers (one line each) made auth users by the admin API.
  std::vector<Person> generated_people(const std::string& admin) {
    std::vector<Person> people;
    auto rows = sql_rows(kos_dsn_,
                         "SELECT l.line_number, c.customer_id, c.customer_name FROM lines l"
                         " JOIN customers c ON c.customer_id = l.customer_id"
                         " WHERE l.status = 'ACTIVE' AND l.line_number NOT IN ('01012345678',"
                         " '01087654321', '01055554444', '01099998888')"
                         " ORDER BY l.line_number LIMIT " +
                             std::to_string(kGeneratedUsers));
    for (std::size_t i = 0; i < rows.size(); ++i) {
      Person person{"gen" + std::to_string(i), kGeneratedPassword, rows[i][2], rows[i][1],
                    rows[i][0]};
      auto created = call("POST", "/api/v1/admin/users", admin,
                          to_json_text(json::object{
                              {"userId", person.user_id},
                              {"password", person.password},
                              {"userName", person.name},
                              {"customerId", person.customer_id},
                              {"lineNumber", dashed(person.line)},
                              {"permissions", json::array{"BILL_INQUIRY", "PRODUCT_CHANGE"}}}));
      EXPECT_EQ(created.status, 201) << created.body;
      people.push_back(std::move(person));
    }
    return people;
  }

  fs::path directory_;
  std::uint16_t kos_port_ = 0, auth_port_ = 0, mvno_port_ = 0, bill_port_ = 0, product_port_ = 0;
  std::string kos_dsn_;
  std::map<std::string, std::string> databases_;
  std::unique_ptr<ChildProcess> kos_, auth_, mvno_, bill_, product_;
  GatewayInstance gateway_;
};

TEST_F(DataDumpTest, DatabaseAndRedisDumpsHoldNoNameLineOrBillAmountInClear) {
  auto admin = login("admin", "Adm1nPass!00");
  ASSERT_FALSE(admin.empty());
  auto people = kDemoUsers;
  for (auto& person : generated_people(admin)) people.push_back(std::move(person));
  ASSERT_EQ(people.size(), kDemoUsers.size() + kGeneratedUsers);

  std::set<std::int64_t> amounts;
  int inquiries = 0;
  int changes = 0;
  for (const auto& person : people) {
    SCOPED_TRACE(person.user_id);
    auto token = login(person.user_id, person.password);
    ASSERT_FALSE(token.empty());
    auto menu = call("GET", "/api/v1/bills/menu", token);
    ASSERT_EQ(menu.status, 200) << menu.body;
    // A miss (KOS), then a hit (the sealed Redis copy opened).
    std::string request_id;
    json::value shown;
    for (const char* source : {"KOS", "CACHE"}) {
      auto inquiry = call("POST", "/api/v1/bills/inquiry", token,
                          to_json_text(json::object{{"lineNumber", person.line}}));
      ASSERT_EQ(inquiry.status, 200) << inquiry.body;
      const auto& data = inquiry.json.at("data");
      EXPECT_EQ(data.at("source"), source) << inquiry.body;
      collect_amounts(data.at("billInfo"), amounts);
      shown = data.at("billInfo");
      request_id = std::string{data.at("requestId").as_string()};
      ++inquiries;
    }
    // The stored request opens again, and "history of this line" finds both inquiries.
    auto again = call("GET", "/api/v1/bills/inquiry/" + request_id, token);
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(again.json.at("data").at("billInfo"), shown) << again.body;
    auto history = call("GET", "/api/v1/bills/history?lineNumber=" + dashed(person.line), token);
    ASSERT_EQ(history.status, 200) << history.body;
    EXPECT_EQ(history.json.at("data").at("items").as_array().size(), 2u) << history.body;
    if (person.user_id == "user02") continue;  // no PRODUCT_CHANGE permission
    // A plan change (completed, or refused by a pre-check: either is a stored record).
    auto available = call("GET", "/api/v1/products/available", token);
    ASSERT_EQ(available.status, 200) << available.body;
    const auto& data = available.json.at("data");
    std::string current{data.at("currentProductCode").as_string()};
    for (const auto& product : data.at("products").as_array()) {
      std::string code{product.at("productCode").as_string()};
      if (code == current) continue;
      auto changed = call(
          "POST", "/api/v1/products/change", token,
          to_json_text(json::object{{"currentProductCode", current}, {"targetProductCode", code}}));
      EXPECT_TRUE(changed.status == 200 || changed.status == 409) << changed.body;
      if (changed.status == 200) ++changes;
      break;
    }
  }
  EXPECT_GT(changes, 0) << "no plan change completed";
  ASSERT_FALSE(amounts.empty());

  // The outbox delivered every inquiry's event: the relay opened the sealed bodies.
  bool delivered = false;
  for (int attempt = 0; attempt < 300 && !delivered; ++attempt) {
    auto received = http_call(mvno_port_, "GET", "/admin/received?type=bill.inquiry.completed", {});
    delivered = received.status == 200 && received.json.is_object() &&
                received.json.at("count").to_number<std::int64_t>() >= inquiries;
    if (!delivered) std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(delivered) << "the MVNO stand-in did not receive every inquiry's event";

  std::map<std::string, std::string> dumps;
  const auto bin = environment_variable("PHONEBILL_PG_BIN");
  const auto pg_dump = bin ? *bin + "/pg_dump" : std::string{"pg_dump"};
  for (const auto& [service, dsn] : databases_)
    dumps["pg_dump " + service] =
        command_output(pg_dump + " --no-owner --dbname=" + shell_quoted(dsn));
  dumps["redis"] = dump_redis(directory_);
  // The dumps are real: the tables and keys the run wrote are in them.
  EXPECT_NE(dumps["pg_dump bill"].find("bill_inquiry_requests"), std::string::npos);
  EXPECT_NE(dumps["pg_dump bill"].find("outbox_events"), std::string::npos);
  EXPECT_NE(dumps["pg_dump auth"].find("gen0"), std::string::npos);
  EXPECT_NE(dumps["pg_dump product"].find("product_changes"), std::string::npos);
  EXPECT_NE(dumps["redis"].find("bill:"), std::string::npos) << "no bill was cached";

  std::vector<std::string> secrets = kOtherDemoValues;
  for (const auto& person : people) {
    secrets.push_back(person.name);
    secrets.push_back(person.line);
    secrets.push_back(dashed(person.line));
  }
  for (const auto& [what, dump] : dumps) {
    for (const auto& secret : secrets)
      EXPECT_EQ(dump.find(secret), std::string::npos) << what << " holds " << secret << " in clear";
    // An amount as a JSON member's value, the way a clear bill carries it.
    for (auto amount : amounts) {
      if (amount < 1000) continue;  // too short to tell from other numbers
      std::regex member{"\":\\s?" + std::to_string(amount) + "\\b"};
      EXPECT_FALSE(std::regex_search(dump, member)) << what << " holds the amount " << amount;
    }
  }

  // Issue 19 item 6: our services' logs of the whole run (not the KOS and MVNO stand-ins,
  // which play other companies' systems) name no one and show no full line, masked only.
  std::string logs;
  for (const auto& entry : fs::directory_iterator(directory_)) {
    const auto name = entry.path().filename().string();
    if (entry.path().extension() != ".log" || name.starts_with("kos-sim") ||
        name.starts_with("mvno"))
      continue;
    std::ifstream file{entry.path()};
    logs.append(std::istreambuf_iterator<char>{file}, std::istreambuf_iterator<char>{});
  }
  ASSERT_NE(logs.find("\"event\":\"product_change\""), std::string::npos)
      << "product-change's log was not read";
  ASSERT_NE(logs.find("\"event\":\"login_succeeded\""), std::string::npos)
      << "auth's log was not read";
  for (const auto& secret : secrets)
    EXPECT_EQ(logs.find(secret), std::string::npos) << "a service's log holds " << secret;
}

// A database written before db/bill/004 (clear lines, summaries, bills, KOS messages and
// event bodies) upgrades in place: bill-inquiry serves its rows at once and its pass seals
// them in batches; afterwards no clear value is left and the rows read the same.
TEST_F(DataDumpTest, ClearHistoryFromBeforeTheUpgradeIsSealedWhileServing) {
  const auto dsn = create_database("dumpupgrade");
  const auto old_migrations = directory_ / "bill-migrations-003";
  fs::create_directories(old_migrations);
  for (const char* file :
       {"001_schema.sql", "002_partitioned_history.sql", "003_outbox_events.sql"})
    fs::copy_file(fs::path{source_directory()} / "db/bill" / file, old_migrations / file);
  // The previous release's schema: the start stops at the key check (no table for it yet).
  const auto old_port = find_free_port();
  auto old_start = service_on("bill-inquiry", dsn, old_port, "bill-003",
                              {{"PHONEBILL_MIGRATIONS_DIR", old_migrations.string()}});
  auto old_status = old_start->wait_for_exit(120s);
  ASSERT_TRUE(old_status) << "the old schema's start did not stop";
  EXPECT_NE(*old_status, 0);
  const std::string id = "legacy-0001";
  const std::string bill = R"({"lineNumber":"01055554444","totalAmount":71234})";
  for (const auto& sql : std::vector<std::string>{
           "INSERT INTO bill_inquiry_requests (request_id, user_id, line_number, billing_month,"
           " requested_at, finished_at, status, source, result_code, result_summary, bill)"
           " VALUES ('" +
               id +
               "', 'user03', '01055554444', '2026-10', now() - interval '1 day',"
               " now() - interval '1 day', 'COMPLETED', 'KOS', 'OK', 'bill of 01055554444', '" +
               bill + "') RETURNING 1",
           "INSERT INTO bill_inquiry_legacy_ids VALUES ('" + id +
               "', (SELECT requested_at FROM bill_inquiry_requests)) RETURNING 1",
           "INSERT INTO bill_kos_calls (request_id, operation, attempt, requested_at,"
           " responded_at, result_code, result_message, circuit_state) VALUES ('" +
               id +
               "', 'bill.inquiry', 1, now() - interval '1 day', now() - interval '1 day', '0000',"
               " 'line 01055554444 ok', 'closed') RETURNING 1",
           "INSERT INTO outbox_events (event_id, event_type, order_key, body, status) VALUES"
           " ('event-old', 'bill.inquiry.completed', 'line:x', '{\"line\": \"01055554444\"}',"
           " 'DELIVERED') RETURNING 1"})
    ASSERT_EQ(sql_rows(dsn, sql).size(), 1u) << sql;

  const auto port = find_free_port();
  auto upgraded = service_on("bill-inquiry", dsn, port, "bill-upgraded");
  ASSERT_TRUE(wait_for_http_ok(port, "/readyz", 120s)) << upgraded->read_log();
  const std::string clear_left =
      "SELECT (SELECT count(*) FROM bill_inquiry_requests WHERE line_number IS NOT NULL OR"
      " result_summary IS NOT NULL OR bill IS NOT NULL OR line_index IS NULL)"
      " + (SELECT count(*) FROM bill_kos_calls WHERE result_message IS NOT NULL)"
      " + (SELECT count(*) FROM outbox_events WHERE body IS NOT NULL)";
  bool sealed = false;
  for (int attempt = 0; attempt < 600 && !sealed; ++attempt) {
    sealed = sql_rows(dsn, clear_left).at(0).at(0) == "0";
    if (!sealed) std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(sealed) << upgraded->read_log();
  auto token = login("user03", "Passw0rd!03");
  ASSERT_FALSE(token.empty());
  auto read = http_call(port, "GET", "/api/v1/bills/inquiry/" + id,
                        {{"Authorization", "Bearer " + token}}, {}, 20s);
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.json.at("data").at("billInfo").at("totalAmount"), 71234) << read.body;
  EXPECT_EQ(read.json.at("data").at("lineNumber"), "01055554444") << read.body;
  auto by_line = http_call(port, "GET", "/api/v1/bills/history?lineNumber=01055554444",
                           {{"Authorization", "Bearer " + token}}, {}, 20s);
  ASSERT_EQ(by_line.status, 200) << by_line.body;
  EXPECT_EQ(by_line.json.at("data").at("items").as_array().size(), 1u) << by_line.body;
  auto dump = command_output("pg_dump --no-owner --dbname=" + shell_quoted(dsn));
  for (const char* clear : {"01055554444", "71234", "이철수"})
    EXPECT_EQ(dump.find(clear), std::string::npos) << clear << " in clear after the pass";
  upgraded->stop(10s);
}

}  // namespace
}  // namespace phonebill::test_support
