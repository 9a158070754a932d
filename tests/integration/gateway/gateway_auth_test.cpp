// Authentication and permissions at the gateway: each bad token gets 401 with the right
// code, missing permissions 403, spoofed identity headers change nothing, revocations
// apply within a second, and ops/status is ADMIN-only.
#include <boost/asio/io_context.hpp>

#include <thread>

#include "cache/redis_client.hpp"
#include "gateway_fixture.hpp"
#include "security/revocation_set.hpp"
#include "support/coroutine_test.hpp"
#include "support/test_environment.hpp"

using namespace phonebill;
using namespace phonebill::test_support;

// No token, a malformed one or another scheme: 401 UNAUTHORIZED, nothing reaches the upstream.
TEST_F(GatewayTest, MissingOrMalformedTokenIs401) {
  for (const http::HeaderList& headers :
       {http::HeaderList{}, http::HeaderList{{"Authorization", "Bearer"}},
        http::HeaderList{{"Authorization", "Bearer not.a.token"}},
        http::HeaderList{{"Authorization", "Basic dXNlcjpwYXNz"}}}) {
    auto reply = http_call(port(), "GET", "/api/v1/bills/menu", headers);
    EXPECT_EQ(reply.status, 401) << reply.body;
    EXPECT_EQ(reply.error_code(), "UNAUTHORIZED");
    EXPECT_TRUE(reply.echoed_instance().empty());
  }
}

// An expired token is 401 TOKEN_EXPIRED.
TEST_F(GatewayTest, ExpiredTokenIs401TokenExpired) {
  auto old = tokens().token("user01", {"BILL_INQUIRY"}, std::chrono::hours{1});
  auto reply = http_call(port(), "GET", "/api/v1/bills/menu", bearer(old));
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(reply.error_code(), "TOKEN_EXPIRED");
}

// A token signed by another key, or with edited claims, is 401 UNAUTHORIZED.
TEST_F(GatewayTest, ForgedTokenIs401) {
  auto forged = tokens().forged("user02", {"BILL_INQUIRY", "ADMIN"});
  auto reply = http_call(port(), "GET", "/api/v1/ops/status", bearer(forged));
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(reply.error_code(), "UNAUTHORIZED");
  // alg "none" with no signature.
  auto genuine = user02_token();
  auto dot = genuine.find('.');
  std::string none_header = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0";  // {"alg":"none","typ":"JWT"}
  auto unsigned_token = none_header + genuine.substr(dot, genuine.rfind('.') - dot) + ".";
  EXPECT_EQ(http_call(port(), "GET", "/api/v1/bills/menu", bearer(unsigned_token)).status, 401);
}

// A revoked token is 401 TOKEN_REVOKED within one second, without a restart.
TEST_F(GatewayTest, RevokedTokenIs401WithinOneSecond) {
  std::string jti;
  auto token = tokens().token("user01", {"BILL_INQUIRY"}, std::chrono::seconds{0}, &jti);
  ASSERT_EQ(http_call(port(), "GET", "/api/v1/bills/menu", bearer(token)).status, 200);
  boost::asio::io_context io;
  cache::RedisClient redis{io, redis_url()};
  auto published =
      run_coroutine(io, security::publish_revocation(
                            redis, security::RevocationKind::kToken, jti, std::chrono::minutes{31},
                            std::chrono::steady_clock::now() + std::chrono::seconds{2}));
  ASSERT_TRUE(published.has_value());
  auto revoked_at = std::chrono::steady_clock::now();
  Reply reply;
  while (std::chrono::steady_clock::now() - revoked_at < std::chrono::seconds{1}) {
    reply = http_call(port(), "GET", "/api/v1/bills/menu", bearer(token));
    if (reply.status == 401) break;
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(reply.error_code(), "TOKEN_REVOKED");
}

// A valid token without the route's permission is 403 FORBIDDEN with SPEC §4's text.
TEST_F(GatewayTest, MissingPermissionIs403) {
  auto reply = http_call(port(), "GET", "/api/v1/products/menu", bearer(user02_token()));
  EXPECT_EQ(reply.status, 403);
  EXPECT_EQ(reply.error_code(), "FORBIDDEN");
  EXPECT_EQ(reply.json.at("error").at("message"), "서비스 이용 권한이 없습니다");
  EXPECT_EQ(http_call(port(), "POST", "/api/v1/admin/users", bearer(user01_token()), "{}").status,
            403);
  EXPECT_EQ(http_call(port(), "GET", "/api/v1/ops/status", bearer(user01_token())).status, 403);
}

// X-User-* and friends from the client have no effect and never reach an upstream.
TEST_F(GatewayTest, SpoofedIdentityHeadersHaveNoEffect) {
  http::HeaderList spoofed{{"X-User-Id", "admin"},
                           {"X-User-Permissions", "ADMIN,PRODUCT_CHANGE"},
                           {"X-Authenticated-User", "admin"},
                           {"X-Customer-Id", "C-admin"}};
  EXPECT_EQ(http_call(port(), "GET", "/api/v1/bills/menu", spoofed).status, 401);
  auto with_user02 = spoofed;
  with_user02.emplace_back("Authorization", "Bearer " + user02_token());
  EXPECT_EQ(http_call(port(), "GET", "/api/v1/products/menu", with_user02).status, 403);
  auto reply = http_call(port(), "GET", "/api/v1/bills/menu", with_user02);
  ASSERT_EQ(reply.status, 200);
  for (auto name : {"x-user-id", "x-user-permissions", "x-authenticated-user", "x-customer-id"})
    EXPECT_FALSE(reply.echoed_header(name)) << name;
}

// Public routes need no token: login, refresh, JWKS, the app, docs, health.
TEST_F(GatewayTest, PublicRoutesNeedNoToken) {
  EXPECT_EQ(http_call(port(), "POST", "/api/v1/auth/login", {}, "{}").status, 200);
  EXPECT_EQ(http_call(port(), "POST", "/api/v1/auth/refresh", {}, "{}").status, 200);
  EXPECT_EQ(http_call(port(), "GET", "/api/v1/auth/jwks").status, 200);
  EXPECT_EQ(http_call(port(), "GET", "/").status, 200);
  EXPECT_EQ(http_call(port(), "GET", "/api/docs").status, 200);
  EXPECT_EQ(http_call(port(), "GET", "/healthz").status, 200);
  EXPECT_EQ(http_call(port(), "GET", "/readyz").status, 200);
  EXPECT_EQ(http_call(port(), "POST", "/api/v1/auth/logout").status, 401);
}

// ops/status gives ADMIN a live snapshot: routes, upstream health, breakers, tokens.
TEST_F(GatewayTest, OpsStatusForAdmin) {
  for (int i = 0; i < 5; ++i)
    http_call(port(), "GET", "/api/v1/bills/menu", bearer(user01_token()));
  auto reply = http_call(port(), "GET", "/api/v1/ops/status", bearer(admin_token()));
  ASSERT_EQ(reply.status, 200) << reply.body;
  const auto& data = reply.json.at("data");
  EXPECT_GE(data.at("totals").at("requests").to_number<double>(), 5);
  bool saw_bills = false;
  for (const auto& route : data.at("routes").as_array())
    if (route.at("route") == "/api/v1/bills/**")
      saw_bills = route.at("requests").to_number<double>() >= 5;
  EXPECT_TRUE(saw_bills) << reply.body;
  ASSERT_EQ(data.at("upstreams").as_array().size(), 3u);
  EXPECT_EQ(data.at("upstreams").at(1).at("name"), "bill-inquiry");
  EXPECT_EQ(data.at("upstreams").at(1).at("instances").as_array().size(), 2u);
  EXPECT_FALSE(data.at("circuitBreakers").as_array().empty());
  EXPECT_TRUE(data.at("tokens").as_object().contains("cacheHitRatio"));
  EXPECT_TRUE(data.as_object().contains("caches"));
}
