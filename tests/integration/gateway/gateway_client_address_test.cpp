// The gateway's client address with the real binary (SPEC §4 trusted proxies, issue 14):
// a spoofed X-Forwarded-For from an untrusted peer changes nothing (the login rate limit
// still hits the peer's key); from a trusted peer it is honoured, and so is a PROXY v2
// header; upstreams get the resolved client last in X-Forwarded-For. The gateway's log
// lines and /readyz carry PHONEBILL_INSTANCE.
#include <boost/json/parse.hpp>

#include <chrono>
#include <string>
#include <thread>

#include "gateway_fixture.hpp"

namespace phonebill::test_support {
namespace {

class ClientAddressTest : public GatewayTest {
 protected:
  static std::unique_ptr<GatewayInstance> start(const std::string& name,
                                                const std::string& trusted) {
    return std::make_unique<GatewayInstance>(
        start_gateway({{"PHONEBILL_UPSTREAM_AUTH", auth().url()},
                       {"PHONEBILL_UPSTREAM_BILL_INQUIRY", bills(0).url()},
                       {"PHONEBILL_INSTANCE", name},
                       {"PHONEBILL_TRUSTED_PROXIES", trusted},
                       {"PHONEBILL_GATEWAY_RATE_LIMITS", "true"},
                       {"PHONEBILL_GATEWAY_RATE_LOGIN_PER_SECOND", "0.1"},
                       {"PHONEBILL_GATEWAY_RATE_LOGIN_BURST", "2"}},
                      directory() / name));
  }
  static void SetUpTestSuite() {
    GatewayTest::SetUpTestSuite();
    untrusting_ = start("gateway-untrusting", "");
    trusting_ = start("gateway-trusting", "127.0.0.1/32");
  }
  static void TearDownTestSuite() {
    for (auto* gateway : {&untrusting_, &trusting_}) {
      if (*gateway) EXPECT_EQ((*gateway)->process->stop(std::chrono::seconds{5}), 0);
      gateway->reset();
    }
    GatewayTest::TearDownTestSuite();
  }
  static int login_from(std::uint16_t port, const std::string& forwarded_for) {
    return http_call(port, "POST", "/api/v1/auth/login", {{"X-Forwarded-For", forwarded_for}}, "{}")
        .status;
  }
  static std::unique_ptr<GatewayInstance> untrusting_;
  static std::unique_ptr<GatewayInstance> trusting_;
};
std::unique_ptr<GatewayInstance> ClientAddressTest::untrusting_;
std::unique_ptr<GatewayInstance> ClientAddressTest::trusting_;

// PROXY v2 over TCP/IPv4 from 203.0.113.50:51000.
std::string proxy_header() {
  std::string bytes{"\r\n\r\n\0\r\nQUIT\n", 12};
  for (int byte : {0x21, 0x11, 0x00, 0x0c, 203, 0, 113, 50, 127, 0, 0, 1, 0xc7, 0x38, 0x1f, 0x90})
    bytes.push_back(char(byte));
  return bytes;
}

// Login burst 2: a client that makes up a new X-Forwarded-For for every attempt is still
// refused at the third, because the gateway does not trust its peer (127.0.0.1).
TEST_F(ClientAddressTest, ASpoofedForwardedForFromAnUntrustedPeerChangesNothing) {
  auto port = untrusting_->port;
  EXPECT_EQ(login_from(port, "198.51.100.1"), 200);
  EXPECT_EQ(login_from(port, "198.51.100.2"), 200);
  EXPECT_EQ(login_from(port, "198.51.100.3"), 429);
  // Upstreams see the peer as the client: the spoofed entry stays left of it.
  auto seen = http_call(
      port, "GET", "/api/v1/bills/menu",
      {{"Authorization", "Bearer " + user02_token()}, {"X-Forwarded-For", "198.51.100.9"}});
  ASSERT_EQ(seen.status, 200) << seen.body;
  EXPECT_EQ(seen.json.at("headers").at("x-forwarded-for"), "198.51.100.9, 127.0.0.1");
}

// From a trusted peer the rightmost untrusted hop is the client: each address has its
// own login bucket, and the upstream gets that address last.
TEST_F(ClientAddressTest, ForwardedForFromATrustedPeerIsHonoured) {
  auto port = trusting_->port;
  EXPECT_EQ(login_from(port, "198.51.100.1"), 200);
  EXPECT_EQ(login_from(port, "198.51.100.1"), 200);
  EXPECT_EQ(login_from(port, "198.51.100.1"), 429);
  EXPECT_EQ(login_from(port, "198.51.100.2"), 200);
  EXPECT_EQ(login_from(port, "6.6.6.6, 198.51.100.3, 127.0.0.1"), 200);
  auto seen = http_call(port, "GET", "/api/v1/bills/menu",
                        {{"Authorization", "Bearer " + user02_token()},
                         {"X-Forwarded-For", "6.6.6.6, 198.51.100.4, 127.0.0.1"}});
  ASSERT_EQ(seen.status, 200) << seen.body;
  EXPECT_EQ(seen.json.at("headers").at("x-forwarded-for"), "6.6.6.6, 198.51.100.4");
}

// HAProxy's way: a PROXY v2 header names the client, whatever X-Forwarded-For says.
TEST_F(ClientAddressTest, AProxyHeaderFromATrustedPeerNamesTheClient) {
  auto answer = raw_exchange(trusting_->port,
                             proxy_header() +
                                 "GET /api/v1/bills/menu HTTP/1.1\r\nHost: x\r\n"
                                 "Authorization: Bearer " +
                                 user02_token() +
                                 "\r\nX-Forwarded-For: 6.6.6.6\r\nConnection: close\r\n\r\n");
  ASSERT_NE(answer.find("HTTP/1.1 200"), std::string::npos) << answer;
  EXPECT_NE(answer.find(R"("x-forwarded-for":"6.6.6.6, 203.0.113.50")"), std::string::npos)
      << answer;
  // The same header from an untrusted peer: closed, no answer.
  EXPECT_EQ(
      raw_exchange(untrusting_->port, proxy_header() + "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"),
      "");
}

TEST_F(ClientAddressTest, LogLinesAndReadyzNameTheInstance) {
  auto ready = http_call(trusting_->port, "GET", "/readyz");
  ASSERT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(ready.json.at("instance"), "gateway-trusting");
  // Info lines reach the log within a second (log::init's buffer and its timer).
  std::string log;
  for (auto until = std::chrono::steady_clock::now() + std::chrono::seconds{5};
       std::chrono::steady_clock::now() < until;
       std::this_thread::sleep_for(std::chrono::milliseconds{100})) {
    log = trusting_->process->read_log();
    if (log.find(R"("instance":"gateway-trusting")") != std::string::npos) break;
  }
  EXPECT_NE(log.find(R"("instance":"gateway-trusting")"), std::string::npos) << log;
  auto metrics = http_call(trusting_->admin_port, "GET", "/metrics");
  EXPECT_NE(metrics.body.find(R"(service_instance="gateway-trusting")"), std::string::npos);
}

}  // namespace
}  // namespace phonebill::test_support
