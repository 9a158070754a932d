// The gateway's integration fixture: signing keys and tokens made here (the JWKS is
// served by a stand-in auth), stand-in upstreams (gateway_test_upstream) as child
// processes, the real gateway binary, and blocking HTTP helpers. Entry points:
// GatewayTest (one gateway for the suite, rate limits off), start_gateway for tests
// that need their own settings.
#pragma once
#include <gtest/gtest.h>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "http/request.hpp"
#include "security/signing_keys.hpp"
#include "support/child_process.hpp"

namespace phonebill::test_support {

struct Reply {
  int status = 0;  // 0: no answer (refused, reset, timeout)
  std::string body;
  boost::json::value json;  // null unless the body is JSON
  http::HeaderList headers;
  std::string header(std::string_view lowercase_name) const;
  std::string error_code() const;       // error.code of a SPEC §2 error envelope
  std::string echoed_instance() const;  // the stand-in upstream that answered
  bool echoed_header(std::string_view lowercase_name) const;
};

// One blocking HTTP/1.1 request to 127.0.0.1:port (a fresh connection).
Reply http_call(std::uint16_t port, const std::string& method, const std::string& target,
                http::HeaderList headers = {}, std::string body = {},
                std::chrono::milliseconds timeout = std::chrono::seconds{5});
// Writes `bytes` on a fresh connection, reads until the peer closes or `timeout`.
std::string raw_exchange(std::uint16_t port, const std::string& bytes,
                         std::chrono::milliseconds timeout = std::chrono::seconds{5});

// Signs tokens the way auth does, with a key whose JWKS the stand-in auth serves.
class TokenFactory {
 public:
  TokenFactory();
  // A valid token; `age` moves its issue time into the past (expired beyond 30 min + leeway).
  std::string token(const std::string& user, std::vector<std::string> permissions,
                    std::chrono::seconds age = std::chrono::seconds{0},
                    std::string* jti = nullptr) const;
  // A token signed by another key under this key's kid (a forgery).
  std::string forged(const std::string& user, std::vector<std::string> permissions) const;
  const std::string& jwks_text() const { return jwks_text_; }

 private:
  security::SigningKey key_;
  security::SigningKey other_;
  std::string jwks_text_;
};

// A stand-in upstream process on its own port; restartable on the same port.
class UpstreamProcess {
 public:
  UpstreamProcess(std::string name, std::filesystem::path directory, std::string jwks_file = {});
  void start();
  void kill();  // SIGKILL: in-flight requests die with it
  std::uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  std::string name_;
  std::filesystem::path directory_;
  std::string jwks_file_;
  std::uint16_t port_;
  std::unique_ptr<ChildProcess> process_;
};

struct GatewayInstance {
  std::unique_ptr<ChildProcess> process;
  std::uint16_t port = 0;
  std::uint16_t admin_port = 0;
};

// The gateway binary with `environment` on top of sensible test defaults (free ports, the
// test Redis, a web root with index.html and assets); waits for /readyz.
GatewayInstance start_gateway(std::map<std::string, std::string> environment,
                              const std::filesystem::path& directory);
// Real auth for the gateway suites that need it: a database named after `database_prefix`,
// its keys in `directory`/secrets, its log in `directory`/auth.log, one I/O thread. Does
// not wait for it (callers probe /readyz).
std::unique_ptr<ChildProcess> start_auth(std::uint16_t port, const std::string& database_prefix,
                                         const std::string& redis_url,
                                         const std::filesystem::path& directory);

// As start_gateway, for a gateway whose public listener speaks TLS: waits for the admin
// port instead (readiness over TLS is the caller's to check).
GatewayInstance start_tls_gateway(std::map<std::string, std::string> environment,
                                  const std::filesystem::path& directory);

class GatewayTest : public ::testing::Test {
 public:
  static void SetUpTestSuite();
  static void TearDownTestSuite();

 protected:
  static std::uint16_t port();
  static std::uint16_t admin_port();
  static const TokenFactory& tokens();
  static UpstreamProcess& auth();            // the auth stand-in (serves the JWKS)
  static UpstreamProcess& bills(int index);  // the two bill-inquiry stand-ins
  static const std::filesystem::path& directory();
  static std::string gateway_log();

  static http::HeaderList bearer(const std::string& token);
  // A token for the demo users' permission sets.
  static std::string user01_token();  // BILL_INQUIRY, PRODUCT_CHANGE
  static std::string user02_token();  // BILL_INQUIRY
  static std::string admin_token();   // all three
};

}  // namespace phonebill::test_support
