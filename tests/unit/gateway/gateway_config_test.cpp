// The gateway's configuration from environment maps.
#include <gtest/gtest.h>

#include "gateway_config.hpp"

using namespace phonebill;
using namespace phonebill::gateway;

// Defaults: the three upstreams on their SPEC ports, limits on, admin port 9080.
TEST(GatewayConfigTest, Defaults) {
  auto config = GatewayConfig::load(Environment::from_map({}));
  EXPECT_EQ(config.server.port, 8080);
  EXPECT_FALSE(config.server.expose_metrics);
  EXPECT_EQ(config.admin_port, 9080);
  ASSERT_EQ(config.upstreams.size(), 3u);
  EXPECT_EQ(config.upstream("auth")->instances[0], (InstanceAddress{"127.0.0.1", 8081}));
  EXPECT_EQ(config.upstream("bill-inquiry")->instances[0].port, 8082);
  EXPECT_EQ(config.jwks.base_urls, std::vector<std::string>{"http://127.0.0.1:8081"});
  EXPECT_GT(config.rate_limits.login_per_ip.per_second, 0);
  // Refresh is not held to login's one per 5 s: a NAT's users refresh every 30 minutes.
  EXPECT_GE(config.rate_limits.refresh_per_ip.per_second, 1);
}

// Refresh has its own rate and burst; turning limits off turns it off too.
TEST(GatewayConfigTest, RefreshHasItsOwnBucket) {
  auto config = GatewayConfig::load(Environment::from_map({
      {"PHONEBILL_GATEWAY_RATE_LOGIN_PER_SECOND", "0.1"},
      {"PHONEBILL_GATEWAY_RATE_REFRESH_PER_SECOND", "7"},
      {"PHONEBILL_GATEWAY_RATE_REFRESH_BURST", "70"},
  }));
  EXPECT_EQ(config.rate_limits.login_per_ip.per_second, 0.1);
  EXPECT_EQ(config.rate_limits.refresh_per_ip.per_second, 7);
  EXPECT_EQ(config.rate_limits.refresh_per_ip.burst, 70);
  auto off =
      GatewayConfig::load(Environment::from_map({{"PHONEBILL_GATEWAY_RATE_LIMITS", "false"}}));
  EXPECT_EQ(off.rate_limits.refresh_per_ip.per_second, 0);
}

// The limits are shared through Redis by default, in rounds at least every 100 ms (SPEC §4):
// a longer interval is refused rather than quietly breaking the overshoot bound.
TEST(GatewayConfigTest, RateSharingSettings) {
  auto defaults = GatewayConfig::load(Environment::from_map({}));
  EXPECT_TRUE(defaults.rate_sharing.enabled);
  EXPECT_EQ(defaults.rate_sharing.sync_interval, std::chrono::milliseconds{100});
  EXPECT_EQ(defaults.rate_sharing.redis_timeout, std::chrono::milliseconds{50});
  auto set = GatewayConfig::load(Environment::from_map({
      {"PHONEBILL_GATEWAY_RATE_SHARED", "false"},
      {"PHONEBILL_GATEWAY_RATE_SYNC_MS", "20"},
      {"PHONEBILL_GATEWAY_RATE_REDIS_TIMEOUT_MS", "30"},
      {"PHONEBILL_GATEWAY_RATE_BREAKER_OPEN_MS", "2000"},
  }));
  EXPECT_FALSE(set.rate_sharing.enabled);
  EXPECT_EQ(set.rate_sharing.sync_interval, std::chrono::milliseconds{20});
  EXPECT_EQ(set.rate_sharing.redis_timeout, std::chrono::milliseconds{30});
  EXPECT_EQ(set.rate_sharing.breaker.open_duration, std::chrono::milliseconds{2000});
  EXPECT_THROW(
      GatewayConfig::load(Environment::from_map({{"PHONEBILL_GATEWAY_RATE_SYNC_MS", "250"}})),
      ConfigError);
}

// Upstream lists, timeouts, limits, CORS and TLS come from their variables.
TEST(GatewayConfigTest, ReadsEveryList) {
  auto config = GatewayConfig::load(Environment::from_map({
      {"PHONEBILL_UPSTREAM_AUTH", "http://127.0.0.1:8081, http://127.0.0.1:8181/"},
      {"PHONEBILL_GATEWAY_TIMEOUT_BILL_INQUIRY_MS", "2500"},
      {"PHONEBILL_GATEWAY_RATE_LIMITS", "false"},
      {"PHONEBILL_GATEWAY_CORS_ORIGINS", "https://a.example, https://b.example"},
      {"PHONEBILL_TLS_CERT_FILE", "/c.pem"},
      {"PHONEBILL_TLS_KEY_FILE", "/k.pem"},
  }));
  ASSERT_EQ(config.upstream("auth")->instances.size(), 2u);
  EXPECT_EQ(config.upstream("auth")->instances[1].port, 8181);
  EXPECT_EQ(config.upstream("bill-inquiry")->timeout, std::chrono::milliseconds{2500});
  EXPECT_EQ(config.rate_limits.per_ip.per_second, 0);
  EXPECT_EQ(config.cors_origins.size(), 2u);
  EXPECT_TRUE(config.tls.enabled());
}

// IPv6 instances: the address without brackets to connect, with them in labels and the
// JWKS URLs built from auth's instances.
TEST(GatewayConfigTest, Ipv6Upstreams) {
  auto config = GatewayConfig::load(Environment::from_map({
      {"PHONEBILL_UPSTREAM_AUTH", "http://[::1]:8081, http://[2001:db8::5]"},
  }));
  const auto& auth = config.upstream("auth")->instances;
  ASSERT_EQ(auth.size(), 2u);
  EXPECT_EQ(auth[0], (InstanceAddress{"::1", 8081}));
  EXPECT_EQ(auth[0].label(), "[::1]:8081");
  EXPECT_EQ(auth[1], (InstanceAddress{"2001:db8::5", 80}));
  EXPECT_EQ(config.jwks.base_urls,
            (std::vector<std::string>{"http://[::1]:8081", "http://[2001:db8::5]:80"}));
}

// Malformed URLs and half a TLS configuration stop start-up with the variable's name.
TEST(GatewayConfigTest, RejectsBadValues) {
  for (auto url : {"https://x:1", "http://x:0", "http://x:99999", "http://x/path", "ftp://x", ",",
                   "http://[::1", "http://::1:8081", "http://x:8081?q=1"}) {
    try {
      GatewayConfig::load(Environment::from_map({{"PHONEBILL_UPSTREAM_BILL_INQUIRY", url}}));
      ADD_FAILURE() << url;
    } catch (const ConfigError& error) {
      EXPECT_NE(std::string{error.what()}.find("PHONEBILL_UPSTREAM_BILL_INQUIRY"),
                std::string::npos);
    }
  }
  EXPECT_THROW(GatewayConfig::load(Environment::from_map({{"PHONEBILL_TLS_CERT_FILE", "/c.pem"}})),
               ConfigError);
}
