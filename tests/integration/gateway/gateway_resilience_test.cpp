// Upstream failures at the gateway: an instance killed under load costs no request and
// rejoins after restart; a dead upstream opens its breaker (503 + Retry-After); a slow
// one is cut at the route timeout (504 UPSTREAM_TIMEOUT).
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <future>
#include <thread>

#include "gateway_fixture.hpp"
#include "support/test_environment.hpp"

using namespace phonebill;
using namespace phonebill::test_support;

namespace {

struct WrkResult {
  long requests = 0;
  long errors = 0;  // socket errors + non-2xx
  std::string output;
};

bool have_wrk() { return std::system("command -v wrk >/dev/null 2>&1") == 0; }

WrkResult run_wrk(std::uint16_t port, const std::string& path, const std::string& token,
                  int seconds) {
  std::string command = "wrk -t1 -c16 -d" + std::to_string(seconds) +
                        "s --timeout 3s -H 'Authorization: Bearer " + token +
                        "' http://127.0.0.1:" + std::to_string(port) + path + " 2>&1";
  WrkResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  char buffer[512];
  while (pipe != nullptr && std::fgets(buffer, sizeof buffer, pipe) != nullptr)
    result.output += buffer;
  if (pipe != nullptr) ::pclose(pipe);
  auto number_after = [&](const std::string& marker) -> long {
    auto at = result.output.find(marker);
    return at == std::string::npos ? 0 : std::stol(result.output.substr(at + marker.size()));
  };
  auto completed = result.output.find(" requests in ");
  if (completed != std::string::npos) {
    auto line_start = result.output.rfind('\n', completed) + 1;
    result.requests = std::stol(result.output.substr(line_start));
  }
  result.errors = number_after("Non-2xx or 3xx responses: ");
  auto socket_errors = result.output.find("Socket errors:");
  if (socket_errors != std::string::npos) {
    for (auto kind : {"connect ", "read ", "write ", "timeout "}) {
      auto at = result.output.find(kind, socket_errors);
      if (at != std::string::npos)
        result.errors += std::stol(result.output.substr(at + std::strlen(kind)));
    }
  }
  return result;
}

}  // namespace

// wrk drives GET traffic over two bill instances; one is killed (SIGKILL) and restarted
// on its port. No request fails (GETs in flight on it are retried on the other), and it
// serves again after the restart.
TEST_F(GatewayTest, KilledInstanceCostsNoRequestAndRejoins) {
  if (!have_wrk()) GTEST_SKIP() << "wrk is not installed";
  auto token = user01_token();
  auto load = std::async(std::launch::async,
                         [&] { return run_wrk(port(), "/api/v1/bills/menu", token, 4); });
  std::this_thread::sleep_for(std::chrono::seconds{1});
  bills(1).kill();
  std::this_thread::sleep_for(std::chrono::milliseconds{1500});
  bills(1).start();
  auto result = load.get();
  EXPECT_GT(result.requests, 100) << result.output;
  EXPECT_EQ(result.errors, 0) << result.output;
  // Back in rotation: within a few seconds some requests reach it again.
  bool rejoined = false;
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds{5};
  while (!rejoined && std::chrono::steady_clock::now() < give_up) {
    rejoined = http_call(port(), "GET", "/api/v1/bills/menu", bearer(token)).echoed_instance() ==
               "bills-2";
  }
  EXPECT_TRUE(rejoined);
}

// An instance killed while two POSTs are in flight, one on each instance (least in flight
// puts the second on the other): the one on the killed instance reached it, so it goes
// again to the other instance only when its route makes a repeat harmless (SPEC §4,
// route_table.hpp): a bill inquiry, a plan change with an Idempotency-Key. A plan change
// without one is never sent twice: 503.
TEST_F(GatewayTest, KilledInstanceRepeatsOnlyThePostsThatAllowIt) {
  // Both stand-ins serve bill-inquiry and product-change here.
  auto both = bills(0).url() + "," + bills(1).url();
  auto gateway = start_gateway({{"PHONEBILL_UPSTREAM_AUTH", auth().url()},
                                {"PHONEBILL_UPSTREAM_BILL_INQUIRY", both},
                                {"PHONEBILL_UPSTREAM_PRODUCT_CHANGE", both}},
                               directory() / "replay");
  auto token = user01_token();
  auto round = [&](const std::string& path, http::HeaderList headers) {
    // bills-1 (the one killed) in rotation again after the last round's kill.
    auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds{10};
    while (std::chrono::steady_clock::now() < give_up &&
           http_call(gateway.port, "GET", "/api/v1/bills/menu", bearer(token)).echoed_instance() !=
               "bills-1") {
      std::this_thread::sleep_for(std::chrono::milliseconds{100});
    }
    auto headers_with_token = bearer(token);
    for (auto& header : headers) headers_with_token.push_back(header);
    auto post = [&] {
      return http_call(gateway.port, "POST", path + "?delay_ms=1500", headers_with_token, "{}");
    };
    auto first = std::async(std::launch::async, post);
    std::this_thread::sleep_for(std::chrono::milliseconds{150});
    auto second = std::async(std::launch::async, post);
    std::this_thread::sleep_for(std::chrono::milliseconds{500});
    bills(0).kill();
    std::vector<Reply> replies{first.get(), second.get()};
    bills(0).start();
    std::vector<int> statuses;
    for (const auto& reply : replies) {
      statuses.push_back(reply.status);
      if (reply.status == 200) EXPECT_EQ(reply.echoed_instance(), "bills-2");
    }
    std::sort(statuses.begin(), statuses.end());
    return statuses;
  };
  EXPECT_EQ(round("/api/v1/bills/inquiry", {}), (std::vector<int>{200, 200}));
  EXPECT_EQ(round("/api/v1/products/change", {{"Idempotency-Key", "replay-test-1"}}),
            (std::vector<int>{200, 200}));
  EXPECT_EQ(round("/api/v1/products/change", {}), (std::vector<int>{200, 503}));
  EXPECT_EQ(gateway.process->stop(std::chrono::seconds{5}), 0) << gateway.process->read_log();
}

// A request slower than the route's timeout (1 s for products here) is 504 UPSTREAM_TIMEOUT.
TEST_F(GatewayTest, SlowUpstreamIs504) {
  auto started = std::chrono::steady_clock::now();
  auto reply =
      http_call(port(), "GET", "/api/v1/products/menu?delay_ms=3000", bearer(user01_token()));
  EXPECT_EQ(reply.status, 504);
  EXPECT_EQ(reply.error_code(), "UPSTREAM_TIMEOUT");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds{2500});
  EXPECT_EQ(http_call(port(), "GET", "/api/v1/products/menu", bearer(user01_token())).status, 200);
}

// An upstream with no live instance: 503 SERVICE_UNAVAILABLE; after 5 failures the
// breaker opens and answers at once with Retry-After.
TEST_F(GatewayTest, DeadUpstreamOpensTheBreaker) {
  auto dead = "http://127.0.0.1:" + std::to_string(find_free_port());
  auto gateway = start_gateway({{"PHONEBILL_UPSTREAM_AUTH", auth().url()},
                                {"PHONEBILL_UPSTREAM_PRODUCT_CHANGE", dead},
                                {"PHONEBILL_GATEWAY_BREAKER_OPEN_MS", "30000"}},
                               directory() / "dead");
  auto token = user01_token();
  for (int i = 0; i < 5; ++i) {
    auto reply = http_call(gateway.port, "GET", "/api/v1/products/menu", bearer(token));
    EXPECT_EQ(reply.status, 503) << reply.body;
    EXPECT_EQ(reply.error_code(), "SERVICE_UNAVAILABLE");
  }
  auto started = std::chrono::steady_clock::now();
  auto open = http_call(gateway.port, "GET", "/api/v1/products/menu", bearer(token));
  EXPECT_EQ(open.status, 503);
  EXPECT_GE(std::stoi(open.header("retry-after")), 25);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds{500});
  auto metrics = http_call(gateway.admin_port, "GET", "/metrics");
  EXPECT_NE(metrics.body.find("phonebill_circuit_breaker_state{breaker=\"upstream.product-change\","
                              "state=\"open\"} 1\n"),
            std::string::npos)
      << metrics.body;
  EXPECT_EQ(gateway.process->stop(std::chrono::seconds{5}), 0) << gateway.process->read_log();
}
