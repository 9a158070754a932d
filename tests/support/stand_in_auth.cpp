#include "support/stand_in_auth.hpp"

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <thread>

#include "core/clock.hpp"
#include "core/json.hpp"
#include "http/server.hpp"
#include "security/signing_keys.hpp"
#include "security/token_signer.hpp"

namespace phonebill::test_support {

struct StandInAuth::Impl {
  security::SigningKeyRing keys{security::SigningKey::generate()};
  boost::asio::io_context io{1};
  std::unique_ptr<http::Server> server;
  std::uint16_t port = 0;
  std::thread thread;
  mutable std::atomic<int> sessions{0};
};

StandInAuth::StandInAuth() : impl_(std::make_unique<Impl>()) {
  http::Router router;
  auto jwks_text = to_json_text(impl_->keys.jwks());
  router.add("GET", "/api/v1/auth/jwks",
             [jwks_text](http::Request&) -> boost::asio::awaitable<http::Response> {
               co_return http::text_response(jwks_text, "application/json");
             });
  http::ServerOptions options;
  options.access_log = false;
  options.io_threads = 1;
  impl_->server = std::make_unique<http::Server>(impl_->io, options, std::move(router));
  impl_->port = impl_->server->listen();
  impl_->thread = std::thread([io = &impl_->io] { io->run(); });
}

StandInAuth::~StandInAuth() {
  impl_->io.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
  impl_->server.reset();
}

std::uint16_t StandInAuth::port() const { return impl_->port; }

std::string StandInAuth::url() const { return "http://127.0.0.1:" + std::to_string(impl_->port); }

std::string StandInAuth::sign(const std::string& user, const std::string& line,
                              std::vector<std::string> permissions) const {
  SystemClock clock;
  security::TokenSigner signer{impl_->keys, {}, clock};
  security::AccessTokenClaims claims;
  claims.user_id = user;
  claims.session_id = "sid-" + user + "-" + std::to_string(impl_->sessions++);
  claims.customer_id = "C-" + user;
  claims.line_number = line;
  claims.permissions = std::move(permissions);
  return signer.sign(claims).token;
}

}  // namespace phonebill::test_support
