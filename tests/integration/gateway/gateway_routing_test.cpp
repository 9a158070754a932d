// Routing through the real gateway: prefixes reach their upstream with the right
// headers, everything else under /api is 404 (kos-sim included), the web app and docs
// are served, traversal never leaves the web root, security headers everywhere, metrics
// only on the admin port.
#include "gateway_fixture.hpp"
#include "support/promtool.hpp"

using namespace phonebill;
using namespace phonebill::test_support;

// A bills request reaches a bill-inquiry instance with our ids and X-Forwarded-For.
TEST_F(GatewayTest, ProtectedRouteReachesItsUpstream) {
  auto reply = http_call(port(), "GET", "/api/v1/bills/menu?x=1",
                         {{"Authorization", "Bearer " + user01_token()},
                          {"X-Request-Id", "req-routing-1"},
                          {"X-Forwarded-For", "192.0.2.9"}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_TRUE(reply.echoed_instance().starts_with("bills-")) << reply.body;
  const auto& seen = reply.json.at("headers");
  EXPECT_EQ(seen.at("x-request-id"), "req-routing-1");
  EXPECT_EQ(seen.at("traceparent").as_string().size(), 55u);
  EXPECT_EQ(seen.at("x-forwarded-for"), "192.0.2.9, 127.0.0.1");
  EXPECT_TRUE(seen.as_object().contains("authorization"));
  EXPECT_EQ(reply.json.at("query"), "x=1");
  EXPECT_EQ(reply.header("x-request-id"), "req-routing-1");
}

// Product and auth prefixes go to their own upstreams.
TEST_F(GatewayTest, EachPrefixHasItsUpstream) {
  EXPECT_EQ(
      http_call(port(), "GET", "/api/v1/products/menu", bearer(user01_token())).echoed_instance(),
      "products");
  EXPECT_EQ(http_call(port(), "GET", "/api/v1/auth/me", bearer(user02_token())).echoed_instance(),
            "auth");
  EXPECT_EQ(http_call(port(), "POST", "/api/v1/admin/users", bearer(admin_token()), "{}")
                .echoed_instance(),
            "auth");
  auto login = http_call(port(), "POST", "/api/v1/auth/login", {}, R"({"userId":"x"})");
  EXPECT_EQ(login.echoed_instance(), "auth");
  EXPECT_EQ(login.json.at("bodyBytes"), 14);
}

// A proxied HEAD announces the length the GET body has (RFC 9110 §9.3.2), not 0, and
// carries no body; the connection stays usable after it.
TEST_F(GatewayTest, ProxiedHeadAnnouncesTheGetLength) {
  auto jwks = http_call(port(), "GET", "/api/v1/auth/jwks");
  ASSERT_EQ(jwks.status, 200);
  ASSERT_FALSE(jwks.body.empty());
  auto head = http_call(port(), "HEAD", "/api/v1/auth/jwks");
  ASSERT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(head.header("content-length"), std::to_string(jwks.body.size()));
  // A raw exchange: exactly one head, no body bytes after it.
  auto raw = raw_exchange(
      port(), "HEAD /api/v1/auth/jwks HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  ASSERT_TRUE(raw.starts_with("HTTP/1.1 200")) << raw.substr(0, 80);
  EXPECT_TRUE(raw.ends_with("\r\n\r\n")) << raw.substr(raw.size() > 200 ? raw.size() - 200 : 0);
}

// Unknown API routes are 404 NOT_FOUND; kos-sim's API is not reachable.
TEST_F(GatewayTest, UnknownRoutesAre404) {
  for (auto path : {"/api/v1/kos/product/list", "/api/v1/nothing", "/api/v2/bills/menu", "/api"}) {
    auto reply = http_call(port(), "GET", path, bearer(admin_token()));
    EXPECT_EQ(reply.status, 404) << path;
    EXPECT_EQ(reply.error_code(), "NOT_FOUND") << path;
  }
  EXPECT_EQ(http_call(port(), "POST", "/api/v1/kos/product/change", {}, "{}").status, 404);
}

// The web app: files, SPA fallback, cache headers, 404 for missing assets.
TEST_F(GatewayTest, ServesTheWebApp) {
  auto index = http_call(port(), "GET", "/");
  EXPECT_EQ(index.status, 200);
  EXPECT_NE(index.body.find("<title>app</title>"), std::string::npos);
  EXPECT_EQ(index.header("cache-control"), "no-cache");
  auto route = http_call(port(), "GET", "/bills/result");
  EXPECT_EQ(route.body, index.body);
  auto asset = http_call(port(), "GET", "/assets/app-1a2b3c4d.js");
  EXPECT_EQ(asset.header("cache-control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(asset.header("content-type"), "application/javascript; charset=utf-8");
  EXPECT_EQ(http_call(port(), "GET", "/assets/missing.js").status, 404);
  EXPECT_EQ(http_call(port(), "HEAD", "/").status, 200);
}

// /../ tricks in every spelling never return a file outside the web root.
TEST_F(GatewayTest, TraversalNeverLeavesTheWebRoot) {
  for (std::string path :
       {"/../secret.txt", "/assets/../../secret.txt", "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/secret.txt", "/..%2fsecret.txt", "/assets/..%2F..%2Fsecret.txt",
        "/.%2e/secret.txt", "/..\\secret.txt", "/escape.txt", "/%00/../secret.txt", "//secret.txt",
        "/./../secret.txt", "/api/v1/bills/../../../secret.txt"}) {
    auto answer =
        raw_exchange(port(), "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(answer.find("TOP-SECRET"), std::string::npos) << path;
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 404") || answer.starts_with("HTTP/1.1 400"))
        << path << "\n"
        << answer.substr(0, 80);
  }
}

// Every answer carries the security headers, errors and built-ins included.
TEST_F(GatewayTest, SecurityHeadersOnEveryResponse) {
  for (auto reply :
       {http_call(port(), "GET", "/"), http_call(port(), "GET", "/api/nothing"),
        http_call(port(), "GET", "/healthz"), http_call(port(), "GET", "/api/v1/bills/menu"),
        http_call(port(), "GET", "/api/v1/bills/menu", bearer(user01_token()))}) {
    EXPECT_NE(reply.header("content-security-policy").find("frame-ancestors 'none'"),
              std::string::npos);
    EXPECT_EQ(reply.header("x-content-type-options"), "nosniff");
    EXPECT_EQ(reply.header("x-frame-options"), "DENY");
    EXPECT_EQ(reply.header("referrer-policy"), "no-referrer");
    EXPECT_TRUE(reply.header("strict-transport-security").empty());  // plain HTTP here
  }
}

// /api/docs serves Swagger UI (or its fallback) and the OpenAPI document, publicly.
TEST_F(GatewayTest, ApiDocs) {
  auto page = http_call(port(), "GET", "/api/docs");
  EXPECT_EQ(page.status, 200);
  if (page.body.find("swagger-ui-bundle.js") != std::string::npos) {
    // swagger-ui-dist is installed beside the binary: its files are served too.
    auto bundle = http_call(port(), "GET", "/api/docs/swagger-ui-bundle.js");
    EXPECT_EQ(bundle.status, 200);
    EXPECT_EQ(bundle.header("content-type"), "application/javascript; charset=utf-8");
    auto initializer = http_call(port(), "GET", "/api/docs/swagger-initializer.js");
    EXPECT_NE(initializer.body.find("/api/docs/openapi.yaml"), std::string::npos);
  } else {
    EXPECT_NE(page.body.find("/api/docs/openapi.yaml"), std::string::npos);
  }
  auto document = http_call(port(), "GET", "/api/docs/openapi.yaml");
  EXPECT_EQ(document.status, 200);
  EXPECT_TRUE(document.body.starts_with("openapi: 3")) << document.body.substr(0, 40);
  EXPECT_EQ(http_call(port(), "GET", "/api/docs/../../etc/passwd").status, 404);
}

// Prometheus metrics live on the admin port only, per route and per upstream.
TEST_F(GatewayTest, MetricsOnTheAdminPortOnly) {
  http_call(port(), "GET", "/api/v1/bills/menu", bearer(user01_token()));
  auto metrics = http_call(admin_port(), "GET", "/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find(
                "http_requests_total{method=\"GET\",route=\"/api/v1/bills/**\",status=\"200\"}"),
            std::string::npos);
  EXPECT_NE(metrics.body.find("gateway_upstream_requests_total{outcome=\"response\",upstream="
                              "\"bill-inquiry\",upstream_instance=\"127.0.0.1:"),
            std::string::npos);
  EXPECT_NE(metrics.body.find("phonebill_circuit_breaker_state{breaker=\"upstream.bill-inquiry\","
                              "state=\"closed\"} 1\n"),
            std::string::npos)
      << metrics.body;
  // Token verifications: one count per verification, by result (SPEC §13: counters).
  EXPECT_NE(metrics.body.find("# TYPE gateway_token_verifications_total counter\n"),
            std::string::npos);
  EXPECT_NE(metrics.body.find("gateway_token_verifications_total{result=\"accepted\"} "),
            std::string::npos);
  auto verdict = promtool_check_metrics(metrics.body);
  if (verdict.available) {
    EXPECT_EQ(verdict.exit_code, 0) << verdict.output;
    EXPECT_EQ(verdict.output, "");
  }
  auto public_metrics = http_call(port(), "GET", "/metrics");
  EXPECT_EQ(public_metrics.body.find("http_requests_total"), std::string::npos);
}

// CORS: a listed origin is not configured here, so no CORS headers; preflights refused.
TEST_F(GatewayTest, CorsIsAnAllowList) {
  auto reply = http_call(
      port(), "GET", "/api/v1/bills/menu",
      {{"Authorization", "Bearer " + user01_token()}, {"Origin", "https://evil.example"}});
  EXPECT_TRUE(reply.header("access-control-allow-origin").empty());
  auto preflight =
      http_call(port(), "OPTIONS", "/api/v1/bills/menu",
                {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "GET"}});
  EXPECT_EQ(preflight.status, 403);
}
