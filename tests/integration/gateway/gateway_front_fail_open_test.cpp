// HAProxy in front of two real gateways, with the deployment's own configuration
// (deploy/haproxy/haproxy.cfg.in, filled as deploy/balancer.sh does): when every gateway
// reports unready at once because Redis is gone (their revocation feeds resubscribe),
// the gateways still serve (SPEC §5), so HAProxy must keep sending to them instead of
// answering 503 itself. bench/chaos.sh found that outage on a Redis master kill.
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "gateway_fixture.hpp"
#include "support/http_probe.hpp"
#include "support/private_redis_sentinel.hpp"
#include "support/private_redis_server.hpp"
#include "support/test_environment.hpp"

using namespace phonebill;
using namespace phonebill::test_support;
using namespace std::chrono_literals;

namespace {

bool haproxy_installed() {
  return std::system("command -v haproxy >/dev/null 2>&1 || test -x /usr/sbin/haproxy") == 0;
}

// The template with its placeholders filled: @RUN_DIR@, @PORT@ and each @SERVERS@ line.
std::string render_front_config(const std::filesystem::path& run_directory, std::uint16_t port,
                                const std::string& servers) {
  std::ifstream input{source_directory() + "/deploy/haproxy/haproxy.cfg.in"};
  std::ostringstream output;
  for (std::string line; std::getline(input, line);) {
    if (line == "@SERVERS@") {
      output << servers;
      continue;
    }
    for (const auto& [key, value] :
         {std::pair<std::string, std::string>{"@RUN_DIR@", run_directory.string()},
          {"@PORT@", std::to_string(port)}}) {
      for (auto at = line.find(key); at != std::string::npos; at = line.find(key))
        line.replace(at, key.size(), value);
    }
    output << line << "\n";
  }
  return output.str();
}

}  // namespace

TEST(GatewayFrontFailOpen, EveryGatewayUnreadyForRedisStillServesThroughHaproxy) {
  if (!haproxy_installed()) GTEST_SKIP() << "haproxy is not installed";
  const auto directory = make_temp_directory("front-fail-open");
  PrivateRedisServer redis;
  TokenFactory tokens;
  const auto jwks_file = directory / "jwks.json";
  std::ofstream{jwks_file} << tokens.jwks_text();
  UpstreamProcess auth{"auth", directory, jwks_file.string()};
  UpstreamProcess bills{"bills", directory};
  auth.start();
  bills.start();
  std::vector<GatewayInstance> gateways;
  std::string servers;
  for (int index = 0; index < 2; ++index) {
    gateways.push_back(start_gateway({{"PHONEBILL_UPSTREAM_AUTH", auth.url()},
                                      {"PHONEBILL_UPSTREAM_BILL_INQUIRY", bills.url()},
                                      {"PHONEBILL_REDIS_URL", redis.url()},
                                      {"PHONEBILL_TRUSTED_PROXIES", "127.0.0.1/32"}},
                                     directory));
    servers += "    server gateway-" + std::to_string(index + 1) +
               " 127.0.0.1:" + std::to_string(gateways.back().port) + "\n";
  }
  std::filesystem::create_directories(directory / "haproxy");
  const auto front_port = find_free_port();
  const auto config = directory / "haproxy" / "haproxy.cfg";
  std::ofstream{config} << render_front_config(directory, front_port, servers);
  ChildProcess haproxy{ChildProcessOptions{.executable = "haproxy",
                                           .arguments = {"-db", "-f", config.string()},
                                           .environment = {},
                                           .log_path = (directory / "haproxy.log").string(),
                                           .working_directory = {},
                                           .user = {}}};
  ASSERT_TRUE(wait_for_http_ok(front_port, "/readyz", 20s)) << haproxy.read_log();
  const http::HeaderList bearer{
      {"Authorization", "Bearer " + tokens.token("user01", {"BILL_INQUIRY"})}};
  ASSERT_EQ(http_call(front_port, "GET", "/api/v1/bills/menu", bearer).status, 200);

  redis.kill();
  // Both gateways unready, and HAProxy's checks (every second, two failures) have seen it.
  ASSERT_TRUE(wait_blocking(
      [&] {
        for (const auto& gateway : gateways) {
          if (http_get_status(gateway.port, "/readyz") != 503) return false;
        }
        return true;
      },
      10s));
  std::this_thread::sleep_for(3s);

  for (int request = 0; request < 4; ++request) {
    auto reply = http_call(front_port, "GET", "/api/v1/bills/menu", bearer);
    EXPECT_EQ(reply.status, 200) << reply.body << "\n" << haproxy.read_log();
  }
  haproxy.stop(5s);
  for (auto& gateway : gateways) gateway.process->stop(5s);
}
