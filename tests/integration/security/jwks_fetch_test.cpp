// HttpJwksSource against a tiny http::Server that plays auth's GET /api/v1/auth/jwks:
// fetch and verify, failover between auth instances, keeping the last good keys when
// auth fails, a rotation picked up through an unknown kid, the rate limit that stops
// forged kids from hammering auth, and the periodic refresh.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "http/server.hpp"
#include "integration/security/security_integration_support.hpp"
#include "security/jwks_source.hpp"
#include "security/token_signer.hpp"
#include "security/token_verifier.hpp"
#include "support/coroutine_test.hpp"

namespace phonebill::security {
namespace {

using namespace testing;
namespace asio = boost::asio;

// auth's JWKS endpoint, scripted by the test: which keys it serves, or an error status.
class FakeAuth {
 public:
  explicit FakeAuth(asio::io_context& io, SigningKeyRing ring)
      : ring_(std::make_shared<SigningKeyRing>(std::move(ring))) {
    http::Router router;
    router.add("GET", "/api/v1/auth/jwks",
               [this](http::Request&) -> asio::awaitable<http::Response> {
                 ++requests_;
                 if (status_ != 200) co_return http::text_response("down", "text/plain", status_);
                 co_return http::json_response(ring_->jwks());
               });
    http::ServerOptions options;
    options.access_log = false;
    server_ = std::make_unique<http::Server>(io, options, std::move(router));
    port_ = server_->listen();
  }
  ~FakeAuth() { server_->begin_shutdown(); }

  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const SigningKeyRing& ring() const { return *ring_; }
  void rotate_to(SigningKeyRing ring) { ring_ = std::make_shared<SigningKeyRing>(std::move(ring)); }
  void answer_with(int status) { status_ = status; }
  int requests() const { return requests_; }

 private:
  std::shared_ptr<SigningKeyRing> ring_;
  std::unique_ptr<http::Server> server_;
  std::uint16_t port_ = 0;
  int status_ = 200;
  int requests_ = 0;
};

HttpJwksOptions jwks_options(std::vector<std::string> base_urls) {
  HttpJwksOptions options;
  options.base_urls = std::move(base_urls);
  options.request_timeout = 2s;
  return options;
}

AccessTokenClaims claims() {
  return AccessTokenClaims{.user_id = "user01",
                           .session_id = "session-1",
                           .customer_id = "C1",
                           .line_number = "01012345678",
                           .permissions = {"BILL_INQUIRY"}};
}

// Keys fetched over HTTP verify a token auth signed.
CO_TEST(HttpJwksSourceTest, FetchedKeysVerifyTokens) {
  auto& io = *co_await current_io_context();
  FakeAuth auth{io, SigningKeyRing{SigningKey::generate(), {SigningKey::generate()}}};
  ManualClock clock;
  HttpJwksSource source{io, jwks_options({auth.base_url()}), clock};
  EXPECT_FALSE(source.has_keys());
  CO_ASSERT_TRUE(co_await source.refresh());
  EXPECT_TRUE(source.has_keys());
  for (const auto& key : auth.ring().keys()) {
    const auto found = source.find(key.key_id());
    CO_ASSERT_TRUE(found);
    EXPECT_TRUE(found->same_public_key(key));
    EXPECT_FALSE(found->has_private_key());
  }
  TokenSigner signer{auth.ring(), {}, clock};
  TokenVerifier verifier{source, {}, clock};
  const auto result = co_await verifier.verify_or_refresh(signer.sign(claims()).token);
  EXPECT_TRUE(result) << result.error();
}

// An auth instance that is down is skipped in favour of the next one.
CO_TEST(HttpJwksSourceTest, FailsOverToTheNextAuthInstance) {
  auto& io = *co_await current_io_context();
  FakeAuth auth{io, SigningKeyRing{SigningKey::generate()}};
  ManualClock clock;
  const auto dead = "http://127.0.0.1:" + std::to_string(test_support::find_free_port());
  HttpJwksSource source{io, jwks_options({dead, auth.base_url()}), clock};
  EXPECT_TRUE(co_await source.refresh());
  EXPECT_TRUE(source.find(auth.ring().active().key_id()));
}

// When auth answers 500 the last good key set stays in use.
CO_TEST(HttpJwksSourceTest, KeepsTheLastGoodKeysWhenAuthFails) {
  auto& io = *co_await current_io_context();
  FakeAuth auth{io, SigningKeyRing{SigningKey::generate()}};
  ManualClock clock;
  HttpJwksSource source{io, jwks_options({auth.base_url()}), clock};
  CO_ASSERT_TRUE(co_await source.refresh());
  auth.answer_with(500);
  EXPECT_FALSE(co_await source.refresh());
  EXPECT_TRUE(source.find(auth.ring().active().key_id()));
  EXPECT_EQ(source.fetch_attempts(), 2u);
  EXPECT_EQ(source.fetch_successes(), 1u);
}

// After auth rotates its key, the first token with the new kid triggers a fetch and
// verifies; tokens of the old key keep verifying while auth still publishes it.
CO_TEST(HttpJwksSourceTest, RotationIsPickedUpThroughAnUnknownKid) {
  auto& io = *co_await current_io_context();
  const auto old_key = SigningKey::generate();
  FakeAuth auth{io, SigningKeyRing{old_key}};
  ManualClock clock;
  HttpJwksSource source{io, jwks_options({auth.base_url()}), clock};
  CO_ASSERT_TRUE(co_await source.refresh());
  TokenVerifier verifier{source, {}, clock};
  const auto old_token = TokenSigner{auth.ring(), {}, clock}.sign(claims()).token;

  auth.rotate_to(SigningKeyRing{SigningKey::generate(), {old_key}});
  const auto new_token = TokenSigner{auth.ring(), {}, clock}.sign(claims()).token;
  EXPECT_EQ(verifier.verify(new_token).error(), TokenStatus::kUnknownKey);
  const auto result = co_await verifier.verify_or_refresh(new_token);
  EXPECT_TRUE(result) << result.error();
  EXPECT_TRUE(co_await verifier.verify_or_refresh(old_token));
  EXPECT_EQ(auth.requests(), 2);
}

// Forged kids cause at most one fetch per interval; after the interval, one more.
CO_TEST(HttpJwksSourceTest, UnknownKidRefreshesAreRateLimited) {
  auto& io = *co_await current_io_context();
  FakeAuth auth{io, SigningKeyRing{SigningKey::generate()}};
  ManualClock clock;
  auto options = jwks_options({auth.base_url()});
  options.unknown_key_refresh_interval = 10s;
  HttpJwksSource source{io, options, clock};
  CO_ASSERT_TRUE(co_await source.refresh());
  for (int index = 0; index < 20; ++index) {
    EXPECT_FALSE(co_await source.refresh_for_unknown_key("forged-" + std::to_string(index)));
  }
  EXPECT_EQ(auth.requests(), 2);  // the initial fetch and one for the first forged kid
  clock.advance(11s);
  EXPECT_FALSE(co_await source.refresh_for_unknown_key("forged-again"));
  EXPECT_EQ(auth.requests(), 3);
}

// start() fetches at once and then periodically.
CO_TEST(HttpJwksSourceTest, RefreshesPeriodically) {
  auto& io = *co_await current_io_context();
  FakeAuth auth{io, SigningKeyRing{SigningKey::generate()}};
  ManualClock clock;
  auto options = jwks_options({auth.base_url()});
  options.refresh_interval = 50ms;
  HttpJwksSource source{io, options, clock};
  source.start();
  CO_ASSERT_TRUE(co_await wait_until([&] { return source.has_keys(); }, 5s));
  EXPECT_TRUE(co_await wait_until([&] { return auth.requests() >= 3; }, 5s));
}

// Configuration: the auth URLs come from PHONEBILL_UPSTREAM_AUTH; other schemes fail.
TEST(HttpJwksOptionsTest, ReadsUpstreamsFromTheEnvironment) {
  const auto options = HttpJwksOptions::from_environment(Environment::from_map(
      {{"PHONEBILL_UPSTREAM_AUTH", "http://127.0.0.1:8081, http://127.0.0.1:8181"},
       {"PHONEBILL_JWKS_REFRESH_MS", "60000"}}));
  EXPECT_EQ(options.base_urls,
            (std::vector<std::string>{"http://127.0.0.1:8081", "http://127.0.0.1:8181"}));
  EXPECT_EQ(options.refresh_interval, 60s);
  // IPv6 literals keep their brackets in the URL and lose them for connecting.
  const auto ipv6 = HttpJwksOptions::from_environment(
      Environment::from_map({{"PHONEBILL_UPSTREAM_AUTH", "http://[::1]:8081/"}}));
  EXPECT_EQ(ipv6.base_urls, std::vector<std::string>{"http://[::1]:8081"});
  EXPECT_THROW(HttpJwksOptions::from_environment(
                   Environment::from_map({{"PHONEBILL_UPSTREAM_AUTH", "http://[::1:8081"}})),
               ConfigError);
  EXPECT_THROW(HttpJwksOptions::from_environment(Environment::from_map({})), ConfigError);
  asio::io_context io;
  ManualClock clock;
  EXPECT_THROW((HttpJwksSource{io, jwks_options({"https://auth:8443"}), clock}), ConfigError);
}

}  // namespace
}  // namespace phonebill::security
