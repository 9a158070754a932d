#include "gateway_fixture.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <fstream>

#include "core/clock.hpp"
#include "core/json.hpp"
#include "http/client.hpp"
#include "security/encoding.hpp"
#include "security/jws.hpp"
#include "security/token_signer.hpp"
#include "support/coroutine_test.hpp"
#include "support/http_probe.hpp"
#include "support/response_capture.hpp"
#include "support/service_environment.hpp"
#include "support/test_environment.hpp"

namespace phonebill::test_support {
namespace fs = std::filesystem;

// --- HTTP helpers -----------------------------------------------------------------------

std::string Reply::header(std::string_view name) const {
  for (const auto& [key, value] : headers)
    if (key == name) return value;
  return {};
}

std::string Reply::error_code() const {
  if (!json.is_object()) return {};
  auto* error = json.as_object().if_contains("error");
  if (error == nullptr || !error->is_object()) return {};
  auto* code = error->as_object().if_contains("code");
  return code && code->is_string() ? std::string{code->get_string()} : std::string{};
}

std::string Reply::echoed_instance() const {
  if (!json.is_object() || !json.as_object().contains("instance")) return {};
  return std::string{json.at("instance").as_string()};
}

bool Reply::echoed_header(std::string_view name) const {
  return json.is_object() && json.as_object().contains("headers") &&
         json.at("headers").as_object().contains(name);
}

Reply http_call(std::uint16_t port, const std::string& method, const std::string& target,
                http::HeaderList headers, std::string body, std::chrono::milliseconds timeout) {
  boost::asio::io_context io;
  http::HttpClient client{io, http::ClientOptions{"127.0.0.1", port}};
  http::ClientRequest request{method, target, std::move(body)};
  request.headers = std::move(headers);
  auto result = run_coroutine(
      io, client.send(std::move(request), std::chrono::steady_clock::now() + timeout));
  Reply reply;
  if (!result.ok()) return reply;
  capture_response(method, target, result.response->status, result.response->headers,
                   result.response->body);
  reply.status = result.response->status;
  reply.body = result.response->body;
  reply.headers = result.response->headers;
  if (auto parsed = parse_json(reply.body)) reply.json = std::move(*parsed);
  return reply;
}

std::string raw_exchange(std::uint16_t port, const std::string& bytes,
                         std::chrono::milliseconds timeout) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string answer;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    timeval limit{long(timeout.count() / 1000), long((timeout.count() % 1000) * 1000)};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    char chunk[4096];
    for (;;) {
      auto n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) break;
      answer.append(chunk, std::size_t(n));
    }
  }
  ::close(fd);
  return answer;
}

// --- tokens -------------------------------------------------------------------------------

TokenFactory::TokenFactory()
    : key_(security::SigningKey::generate()), other_(security::SigningKey::generate()) {
  jwks_text_ = boost::json::serialize(security::make_jwks({key_}));
}

std::string TokenFactory::token(const std::string& user, std::vector<std::string> permissions,
                                std::chrono::seconds age, std::string* jti) const {
  static std::atomic<int> counter{0};
  ManualClock clock{std::chrono::system_clock::now() - age};
  security::SigningKeyRing ring{key_};
  security::TokenSigner signer{ring, {}, clock};
  security::AccessTokenClaims claims;
  claims.user_id = user;
  claims.session_id = "sid-" + user + "-" + std::to_string(counter++);
  claims.customer_id = "C-" + user;
  claims.line_number = "01012345678";
  claims.permissions = std::move(permissions);
  auto signed_token = signer.sign(claims);
  if (jti != nullptr) *jti = signed_token.token_id;
  return signed_token.token;
}

std::string TokenFactory::forged(const std::string& user,
                                 std::vector<std::string> permissions) const {
  auto genuine = token(user, std::move(permissions));
  auto first_dot = genuine.find('.');
  auto second_dot = genuine.find('.', first_dot + 1);
  auto signing_input = genuine.substr(0, second_dot);
  // Same header (our kid) and claims, signed by a key the gateway has never seen.
  auto signature = security::detail::es256_sign(other_.native_handle(), signing_input);
  return signing_input + "." + security::base64url_encode(signature);
}

// --- processes ----------------------------------------------------------------------------

UpstreamProcess::UpstreamProcess(std::string name, fs::path directory, std::string jwks_file)
    : name_(std::move(name)),
      directory_(std::move(directory)),
      jwks_file_(std::move(jwks_file)),
      port_(find_free_port()) {}

void UpstreamProcess::start() {
  ChildProcessOptions options;
  options.executable = build_directory() + "/tests/integration/gateway/gateway_test_upstream";
  options.environment = {{"PHONEBILL_HTTP_PORT", std::to_string(port_)},
                         {"TEST_UPSTREAM_NAME", name_},
                         {"PHONEBILL_SHUTDOWN_GRACE_MS", "200"}};
  if (!jwks_file_.empty()) options.environment["TEST_UPSTREAM_JWKS_FILE"] = jwks_file_;
  options.log_path = (directory_ / (name_ + ".log")).string();
  process_ = std::make_unique<ChildProcess>(options);
  if (!wait_for_http_ok(port_, "/readyz", std::chrono::seconds{20}))
    ADD_FAILURE() << name_ << " did not start; log:\n" << process_->read_log();
}

void UpstreamProcess::kill() {
  if (process_) {
    process_->send_signal(SIGKILL);
    process_->wait_for_exit(std::chrono::seconds{5});
    process_.reset();
  }
}

std::unique_ptr<ChildProcess> start_auth(std::uint16_t port, const std::string& database_prefix,
                                         const std::string& redis_url, const fs::path& directory) {
  auto secrets = directory / "secrets";
  fs::create_directories(secrets);
  ChildProcessOptions options;
  options.executable = build_directory() + "/services/auth/auth";
  options.environment =
      service_environment("auth",
                          {{"PORT", std::to_string(port)},
                           {"DATABASE_URL", create_database(database_prefix)},
                           {"REDIS_URL", redis_url},
                           {"SECRETS_DIR", secrets.string()}},
                          {{"PHONEBILL_IO_THREADS", "1"}, {"PHONEBILL_SHUTDOWN_GRACE_MS", "1000"}});
  options.log_path = (directory / "auth.log").string();
  return std::make_unique<ChildProcess>(options);
}

namespace {
GatewayInstance launch_gateway(std::map<std::string, std::string> environment,
                               const fs::path& directory, bool tls);
}  // namespace

GatewayInstance start_gateway(std::map<std::string, std::string> environment,
                              const fs::path& directory) {
  return launch_gateway(std::move(environment), directory, false);
}

GatewayInstance start_tls_gateway(std::map<std::string, std::string> environment,
                                  const fs::path& directory) {
  return launch_gateway(std::move(environment), directory, true);
}

namespace {
GatewayInstance launch_gateway(std::map<std::string, std::string> environment,
                               const fs::path& directory, bool tls) {
  auto web = directory / "web";
  fs::create_directories(web / "assets");
  std::ofstream{web / "index.html"} << "<!doctype html><title>app</title>";
  std::ofstream{web / "assets" / "app-1a2b3c4d.js"} << "console.log('app')";
  std::ofstream{directory / "secret.txt"} << "TOP-SECRET";
  std::error_code ignored;
  fs::create_symlink(directory / "secret.txt", web / "escape.txt", ignored);

  GatewayInstance gateway;
  gateway.port = find_free_port();
  gateway.admin_port = find_free_port();
  // An upstream the caller does not name (in `environment`) points at a closed port.
  const std::string closed_port = loopback_url(1);
  auto defaults = service_environment("gateway",
                                      {{"PORT", std::to_string(gateway.port)},
                                       {"ADMIN_PORT", std::to_string(gateway.admin_port)},
                                       {"REDIS_URL", redis_url()},
                                       {"WEB_DIR", web.string()},
                                       {"AUTH_URL", closed_port},
                                       {"BILL_INQUIRY_URL", closed_port},
                                       {"PRODUCT_CHANGE_URL", closed_port}},
                                      {{"PHONEBILL_HEADER_TIMEOUT_MS", "500"},
                                       {"PHONEBILL_SHUTDOWN_GRACE_MS", "1000"},
                                       {"PHONEBILL_GATEWAY_HEALTH_INTERVAL_MS", "100"},
                                       {"PHONEBILL_GATEWAY_HEALTH_TIMEOUT_MS", "300"},
                                       {"PHONEBILL_JWKS_RETRY_MS", "100"},
                                       {"PHONEBILL_JWKS_UNKNOWN_KID_REFRESH_MS", "100"},
                                       {"PHONEBILL_GATEWAY_RATE_LIMITS", "false"}});
  for (auto& [key, value] : environment) defaults[key] = value;
  ChildProcessOptions options;
  options.executable = build_directory() + "/services/gateway/gateway";
  options.environment = std::move(defaults);
  static std::atomic<int> counter{0};
  options.log_path = (directory / ("gateway-" + std::to_string(counter++) + ".log")).string();
  gateway.process = std::make_unique<ChildProcess>(options);
  bool up = tls ? wait_for_http_ok(gateway.admin_port, "/metrics", std::chrono::seconds{30})
                : wait_for_http_ok(gateway.port, "/readyz", std::chrono::seconds{30});
  if (!up) ADD_FAILURE() << "gateway did not become ready; log:\n" << gateway.process->read_log();
  return gateway;
}
}  // namespace

// --- the shared suite -------------------------------------------------------------------------

namespace {

struct Shared {
  fs::path directory;
  std::unique_ptr<TokenFactory> tokens;
  std::vector<std::unique_ptr<UpstreamProcess>> upstreams;  // auth, bills-1, bills-2, products
  GatewayInstance gateway;
};

Shared& shared() {
  static Shared instance;
  return instance;
}

}  // namespace

void GatewayTest::SetUpTestSuite() {
  auto& suite = shared();
  if (suite.gateway.process) return;
  suite.directory = make_temp_directory("gateway");
  suite.tokens = std::make_unique<TokenFactory>();
  auto jwks_file = suite.directory / "jwks.json";
  std::ofstream{jwks_file} << suite.tokens->jwks_text();
  suite.upstreams.push_back(
      std::make_unique<UpstreamProcess>("auth", suite.directory, jwks_file.string()));
  suite.upstreams.push_back(std::make_unique<UpstreamProcess>("bills-1", suite.directory));
  suite.upstreams.push_back(std::make_unique<UpstreamProcess>("bills-2", suite.directory));
  suite.upstreams.push_back(std::make_unique<UpstreamProcess>("products", suite.directory));
  for (auto& upstream : suite.upstreams) upstream->start();
  suite.gateway = start_gateway({{"PHONEBILL_UPSTREAM_AUTH", suite.upstreams[0]->url()},
                                 {"PHONEBILL_UPSTREAM_BILL_INQUIRY",
                                  suite.upstreams[1]->url() + "," + suite.upstreams[2]->url()},
                                 {"PHONEBILL_UPSTREAM_PRODUCT_CHANGE", suite.upstreams[3]->url()},
                                 {"PHONEBILL_GATEWAY_TIMEOUT_PRODUCT_CHANGE_MS", "1000"}},
                                suite.directory);
}

void GatewayTest::TearDownTestSuite() {
  auto& suite = shared();
  if (suite.gateway.process) {
    int status = suite.gateway.process->stop(std::chrono::seconds{10});
    EXPECT_EQ(status, 0) << "gateway did not shut down cleanly; log:\n"
                         << suite.gateway.process->read_log();
    suite.gateway.process.reset();
  }
  suite.upstreams.clear();
}

std::uint16_t GatewayTest::port() { return shared().gateway.port; }
std::uint16_t GatewayTest::admin_port() { return shared().gateway.admin_port; }
const TokenFactory& GatewayTest::tokens() { return *shared().tokens; }
UpstreamProcess& GatewayTest::auth() { return *shared().upstreams.at(0); }
UpstreamProcess& GatewayTest::bills(int index) { return *shared().upstreams.at(1 + index); }
const fs::path& GatewayTest::directory() { return shared().directory; }
std::string GatewayTest::gateway_log() { return shared().gateway.process->read_log(); }

http::HeaderList GatewayTest::bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}
std::string GatewayTest::user01_token() {
  return tokens().token("user01", {"BILL_INQUIRY", "PRODUCT_CHANGE"});
}
std::string GatewayTest::user02_token() { return tokens().token("user02", {"BILL_INQUIRY"}); }
std::string GatewayTest::admin_token() {
  return tokens().token("admin", {"BILL_INQUIRY", "PRODUCT_CHANGE", "ADMIN"});
}

}  // namespace phonebill::test_support
