// Revocations that outlive a Redis outage, end to end (issue 12 item 3, SPEC §3): the real
// auth service and gateway on a private redis-server (killed and restarted empty by the
// test) and a database of their own. A logout while Redis is down answers 200 and the
// gateway rejects the token within a second of Redis returning; a gateway that starts
// after Redis lost its data rejects tokens revoked before.
#include <iostream>
#include <thread>

#include "gateway_fixture.hpp"
#include "support/http_probe.hpp"
#include "support/private_redis_server.hpp"
#include "support/service_environment.hpp"
#include "support/test_environment.hpp"

using namespace phonebill;
using namespace phonebill::test_support;
using namespace std::chrono_literals;

namespace {

class GatewayRevocationOutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = make_temp_directory("gateway-outbox");
    auth_port_ = find_free_port();
    auth_ = start_auth(auth_port_, "gwoutbox", redis_.url(), directory_);
    ASSERT_TRUE(wait_for_http_ok(auth_port_, "/readyz", 60s)) << auth_->read_log();
    bills_ = std::make_unique<UpstreamProcess>("bills", directory_);
    bills_->start();
    gateway_ = start_gateway_here();
  }
  void TearDown() override {
    for (auto* gateway : {&gateway_, &late_gateway_}) {
      if (gateway->process) gateway->process->stop(5s);
    }
    bills_.reset();
    if (auth_) auth_->stop(10s);
  }

  GatewayInstance start_gateway_here() {
    return start_gateway(
        {{"PHONEBILL_UPSTREAM_AUTH", "http://127.0.0.1:" + std::to_string(auth_port_)},
         {"PHONEBILL_UPSTREAM_BILL_INQUIRY", bills_->url()},
         {"PHONEBILL_UPSTREAM_PRODUCT_CHANGE", "http://127.0.0.1:1"},
         {"PHONEBILL_REDIS_URL", redis_.url()}},
        directory_);
  }

  std::string login(std::uint16_t port, const std::string& user, const std::string& password) {
    auto reply = http_call(port, "POST", "/api/v1/auth/login", {},
                           R"({"userId":")" + user + R"(","password":")" + password + R"("})");
    EXPECT_EQ(reply.status, 200) << reply.body;
    if (reply.status != 200) return {};
    return std::string{reply.json.at("data").at("accessToken").as_string()};
  }
  static http::HeaderList bearer(const std::string& token) {
    return {{"Authorization", "Bearer " + token}};
  }
  // Polls a protected route until 401; the time that took and the last answer.
  static std::chrono::milliseconds time_until_rejected(std::uint16_t port, const std::string& token,
                                                       Reply& reply) {
    const auto started = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - started < 5s) {
      reply = http_call(port, "GET", "/api/v1/bills/menu", bearer(token));
      if (reply.status == 401) break;
      std::this_thread::sleep_for(10ms);
    }
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 started);
  }

  PrivateRedisServer redis_;
  std::filesystem::path directory_;
  std::uint16_t auth_port_ = 0;
  std::unique_ptr<ChildProcess> auth_;
  std::unique_ptr<UpstreamProcess> bills_;
  GatewayInstance gateway_;
  GatewayInstance late_gateway_;
};

}  // namespace

// Logout through the gateway while Redis is down: 200, and within a second of Redis
// returning the gateway answers 401 TOKEN_REVOKED (it used to accept the token until it
// expired: the logout answered 503 and nothing ever published the revocation).
TEST_F(GatewayRevocationOutboxTest, LogoutDuringRedisOutageIsEnforcedWhenRedisReturns) {
  auto token = login(gateway_.port, "user01", "Passw0rd!01");
  ASSERT_EQ(http_call(gateway_.port, "GET", "/api/v1/bills/menu", bearer(token)).status, 200);

  redis_.kill();
  auto logout = http_call(gateway_.port, "POST", "/api/v1/auth/logout", bearer(token));
  EXPECT_EQ(logout.status, 200) << logout.body;
  std::this_thread::sleep_for(1500ms);  // auth retries meanwhile; the gateway cannot know
  EXPECT_EQ(http_call(gateway_.port, "GET", "/api/v1/bills/menu", bearer(token)).status, 200);

  redis_.start();
  Reply reply;
  auto delay = time_until_rejected(gateway_.port, token, reply);
  EXPECT_EQ(reply.status, 401) << reply.body;
  EXPECT_EQ(reply.error_code(), "TOKEN_REVOKED");
  EXPECT_LT(delay, 1s);
  std::cout << "[ measured ] gateway rejects the token " << delay.count()
            << " ms after Redis returned\n";
}

// Redis restarts empty after the logout was published: auth publishes every live
// revocation again, so a gateway started afterwards (it learns only from the keys)
// rejects the token once it is ready.
TEST_F(GatewayRevocationOutboxTest, GatewayStartedAfterRedisLostItsDataRejectsRevokedTokens) {
  auto token = login(gateway_.port, "user02", "Passw0rd!02");
  auto logout = http_call(gateway_.port, "POST", "/api/v1/auth/logout", bearer(token));
  ASSERT_EQ(logout.status, 200) << logout.body;
  Reply reply;
  time_until_rejected(gateway_.port, token, reply);
  ASSERT_EQ(reply.error_code(), "TOKEN_REVOKED");

  redis_.kill();
  redis_.start();  // no persistence: empty
  late_gateway_ = start_gateway_here();
  auto delay = time_until_rejected(late_gateway_.port, token, reply);
  EXPECT_EQ(reply.error_code(), "TOKEN_REVOKED") << reply.body;
  std::cout << "[ measured ] late gateway rejects the token " << delay.count()
            << " ms after it became ready\n";
}
