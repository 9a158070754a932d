// gateway_test_upstream: a stand-in for auth, bill-inquiry and product-change in the
// gateway's integration tests. Every method and path answers 200 with what it received
// ({instance, method, path, query, headers, bodyBytes}); `?delay_ms=N` answers after N
// ms, `?status=N` with that status. GET /api/v1/auth/jwks serves TEST_UPSTREAM_JWKS_FILE.
// Both mark their answers X-Test-Stand-In (tests/contract/ skips them).
// Settings: PHONEBILL_HTTP_PORT, TEST_UPSTREAM_NAME, TEST_UPSTREAM_JWKS_FILE.
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include <fstream>
#include <sstream>

#include "core/log.hpp"
#include "http/server.hpp"
#include "http/sleep.hpp"

namespace asio = boost::asio;
using namespace phonebill;

int main() {
  auto environment = Environment::from_process();
  auto options = http::ServerOptions::from_environment(environment, "test-upstream", 0);
  options.access_log = false;
  options.io_threads = 1;
  std::string name = environment.string("TEST_UPSTREAM_NAME", "upstream");
  std::string jwks_file = environment.string("TEST_UPSTREAM_JWKS_FILE", "");
  log::init("test-upstream", "warn");

  http::Router router;
  router.add("GET", "/api/v1/auth/jwks",
             [jwks_file](http::Request&) -> asio::awaitable<http::Response> {
               std::ifstream in{jwks_file};
               std::stringstream content;
               content << in.rdbuf();
               auto response = http::text_response(content.str(), "application/json");
               response.set_header("X-Test-Stand-In", "jwks");
               co_return response;
             });
  auto echo = [name](http::Request& request) -> asio::awaitable<http::Response> {
    auto delay = request.query_parameter("delay_ms");
    if (delay) co_await http::sleep_for(std::chrono::milliseconds{std::stoll(*delay)});
    boost::json::object headers;
    for (const auto& [key, value] : request.headers) headers[key] = value;
    boost::json::object body{{"instance", name},     {"method", request.method},
                             {"path", request.path}, {"query", request.query},
                             {"headers", headers},   {"bodyBytes", request.body.size()}};
    auto status = request.query_parameter("status");
    auto response = http::json_response(body, status ? std::stoi(*status) : 200);
    // Marks an echo, not a real service's answer: the contract check skips it.
    response.set_header("X-Test-Stand-In", name);
    co_return response;
  };
  for (auto method : {"GET", "POST", "PUT", "PATCH", "DELETE"}) router.add(method, "/**", echo);

  asio::io_context io{1};
  http::Server server{io, options, std::move(router)};
  server.listen();
  return server.run();
}
