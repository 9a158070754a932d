// The chaos smoke of `./phonebill test` (issue 15, SPEC §11): the real auth service and
// gateway on Redis behind Sentinel (a private master, its replica and a sentinel), under
// a light load of logins and authenticated reads through the gateway, while the Redis
// master is killed (SIGKILL). No login and no read may fail (Redis-down degradation,
// SPEC §5), and after the failover a logout is enforced by the gateway within a second.
// The full campaign under the --ha topology is bench/chaos.sh (docs/reliability.md).
#include <atomic>
#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "gateway_fixture.hpp"
#include "support/http_probe.hpp"
#include "support/private_redis_sentinel.hpp"
#include "support/private_redis_server.hpp"
#include "support/service_environment.hpp"
#include "support/test_environment.hpp"

using namespace phonebill;
using namespace phonebill::test_support;
using namespace std::chrono_literals;

namespace {

constexpr const char* kMasterName = "pbsmoke";

bool command_exists(const std::string& name) {
  return std::system(("command -v " + name + " >/dev/null 2>&1").c_str()) == 0;
}

// What the load saw: answers by status (0: no HTTP answer).
struct LoadTally {
  std::mutex mutex;
  std::map<std::string, std::map<int, int>> statuses;  // kind -> status -> count
  void add(const std::string& kind, int status) {
    std::lock_guard lock{mutex};
    ++statuses[kind][status];
  }
  // Answers that are failures: no answer or a 5xx.
  int failures() {
    std::lock_guard lock{mutex};
    int count = 0;
    for (const auto& [kind, by_status] : statuses) {
      for (const auto& [status, n] : by_status) {
        if (status == 0 || status >= 500) count += n;
      }
    }
    return count;
  }
  std::string describe() {
    std::lock_guard lock{mutex};
    std::string text;
    for (const auto& [kind, by_status] : statuses) {
      for (const auto& [status, n] : by_status) {
        text += kind + ":" + std::to_string(status) + "x" + std::to_string(n) + " ";
      }
    }
    return text;
  }
};

class GatewaySentinelFailoverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!command_exists("redis-sentinel")) GTEST_SKIP() << "redis-sentinel is not installed";
    master_ = std::make_unique<PrivateRedisServer>();
    replica_ = std::make_unique<PrivateRedisServer>(
        std::vector<std::string>{"--replicaof", "127.0.0.1", std::to_string(master_->port())});
    ASSERT_TRUE(wait_blocking(
        [&] {
          return redis_info_field(replica_->port(), "replication", "master_link_status") == "up";
        },
        10s));
    sentinel_ = std::make_unique<PrivateRedisSentinel>(kMasterName, master_->port());
    ASSERT_TRUE(wait_blocking(
        [&] {
          auto fields =
              redis_query(sentinel_->port(), {"SENTINEL", "master", kMasterName}).value_or("");
          return fields.find("num-slaves\n1") != std::string::npos;
        },
        15s))
        << sentinel_->log();
    redis_url_ =
        "redis-sentinel://127.0.0.1:" + std::to_string(sentinel_->port()) + "/" + kMasterName;

    directory_ = make_temp_directory("gateway-sentinel");
    auth_port_ = find_free_port();
    auth_ = start_auth(auth_port_, "gwsentinel", redis_url_, directory_);
    ASSERT_TRUE(wait_for_http_ok(auth_port_, "/readyz", 60s)) << auth_->read_log();
    bills_ = std::make_unique<UpstreamProcess>("bills", directory_);
    bills_->start();
    gateway_ = start_gateway(
        {{"PHONEBILL_UPSTREAM_AUTH", "http://127.0.0.1:" + std::to_string(auth_port_)},
         {"PHONEBILL_UPSTREAM_BILL_INQUIRY", bills_->url()},
         {"PHONEBILL_UPSTREAM_PRODUCT_CHANGE", "http://127.0.0.1:1"},
         {"PHONEBILL_REDIS_URL", redis_url_},
         // The load logs in 5 times a second from one address.
         {"PHONEBILL_GATEWAY_RATE_LOGIN_PER_SECOND", "20"},
         {"PHONEBILL_GATEWAY_RATE_LOGIN_BURST", "40"}},
        directory_);
  }
  void TearDown() override {
    if (gateway_.process) gateway_.process->stop(5s);
    bills_.reset();
    if (auth_) auth_->stop(10s);
  }

  std::string login(const std::string& user, const std::string& password, int* status = nullptr) {
    auto reply = http_call(gateway_.port, "POST", "/api/v1/auth/login", {},
                           R"({"userId":")" + user + R"(","password":")" + password + R"("})");
    if (status != nullptr) *status = reply.status;
    if (reply.status != 200) return {};
    return std::string{reply.json.at("data").at("accessToken").as_string()};
  }
  static http::HeaderList bearer(const std::string& token) {
    return {{"Authorization", "Bearer " + token}};
  }

  std::unique_ptr<PrivateRedisServer> master_;
  std::unique_ptr<PrivateRedisServer> replica_;
  std::unique_ptr<PrivateRedisSentinel> sentinel_;
  std::string redis_url_;
  std::filesystem::path directory_;
  std::uint16_t auth_port_ = 0;
  std::unique_ptr<ChildProcess> auth_;
  std::unique_ptr<UpstreamProcess> bills_;
  GatewayInstance gateway_;
};

}  // namespace

TEST_F(GatewaySentinelFailoverTest, MasterKilledUnderLoadLosesNoLoginAndLogoutsStayEnforced) {
  const auto reader = login("user01", "Passw0rd!01");
  ASSERT_FALSE(reader.empty());

  // Light, bounded load: a login and an authenticated read every 200 ms.
  LoadTally tally;
  std::atomic<bool> stop{false};
  std::thread load{[&] {
    for (int round = 0; round < 100 && !stop; ++round) {
      int status = 0;
      login("user02", "Passw0rd!02", &status);
      tally.add("login", status);
      tally.add("read",
                http_call(gateway_.port, "GET", "/api/v1/bills/menu", bearer(reader)).status);
      std::this_thread::sleep_for(200ms);
    }
  }};
  std::this_thread::sleep_for(1s);
  master_->kill();
  const auto killed = std::chrono::steady_clock::now();
  const bool promoted = wait_blocking(
      [&] { return redis_info_field(replica_->port(), "replication", "role") == "master"; }, 15s);
  // The load goes on a few seconds on the new master (the clients reconnect meanwhile).
  std::this_thread::sleep_for(4s);
  stop = true;
  load.join();
  ASSERT_TRUE(promoted) << sentinel_->log();
  EXPECT_EQ(tally.failures(), 0) << tally.describe();
  std::cout << "[ measured ] load during the failover: " << tally.describe() << "\n";

  // A logout after the failover: published on the new master, enforced within a second.
  const auto session = login("user02", "Passw0rd!02");
  ASSERT_FALSE(session.empty());
  ASSERT_EQ(http_call(gateway_.port, "GET", "/api/v1/bills/menu", bearer(session)).status, 200);
  ASSERT_EQ(http_call(gateway_.port, "POST", "/api/v1/auth/logout", bearer(session)).status, 200);
  const auto logged_out = std::chrono::steady_clock::now();
  Reply reply;
  while (std::chrono::steady_clock::now() - logged_out < 5s) {
    reply = http_call(gateway_.port, "GET", "/api/v1/bills/menu", bearer(session));
    if (reply.status == 401) break;
    std::this_thread::sleep_for(10ms);
  }
  const auto delay = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - logged_out);
  EXPECT_EQ(reply.status, 401) << reply.body;
  EXPECT_EQ(reply.error_code(), "TOKEN_REVOKED");
  EXPECT_LT(delay, 1s);
  std::cout << "[ measured ] revocation enforced " << delay.count() << " ms after the logout, "
            << std::chrono::duration_cast<std::chrono::milliseconds>(logged_out - killed).count()
            << " ms after the kill\n";
}
