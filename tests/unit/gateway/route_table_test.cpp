// SPEC §4's route table: prefixes to upstreams, public and permission rules, 404 under
// /api, kos-sim unreachable, and the same answers from the real http::Router.
#include <gtest/gtest.h>

#include "http/router.hpp"
#include "route_table.hpp"

using namespace phonebill::gateway;

namespace {
const GatewayRoute& route_for(const std::vector<GatewayRoute>& routes, std::string_view method,
                              std::string_view path) {
  static const GatewayRoute kNone{};
  auto* found = find_route(routes, method, path);
  return found ? *found : kNone;
}
}  // namespace

// Each prefix goes to its upstream with its permission.
TEST(RouteTableTest, PrefixesGoToTheirUpstreams) {
  auto routes = default_routes();
  EXPECT_EQ(route_for(routes, "GET", "/api/v1/auth/me").upstream, "auth");
  EXPECT_EQ(route_for(routes, "GET", "/api/v1/auth/me").access, Access::kAuthenticated);
  EXPECT_EQ(route_for(routes, "PUT", "/api/v1/admin/users/u1/permissions").upstream, "auth");
  EXPECT_EQ(route_for(routes, "PUT", "/api/v1/admin/users/u1/permissions").permission, "ADMIN");
  EXPECT_EQ(route_for(routes, "POST", "/api/v1/bills/inquiry").upstream, "bill-inquiry");
  EXPECT_EQ(route_for(routes, "POST", "/api/v1/bills/inquiry").permission, "BILL_INQUIRY");
  EXPECT_EQ(route_for(routes, "GET", "/api/v1/products/menu").upstream, "product-change");
  EXPECT_EQ(route_for(routes, "GET", "/api/v1/products/menu").permission, "PRODUCT_CHANGE");
  EXPECT_EQ(route_for(routes, "GET", "/api/v1/ops/status").target, Target::kOpsStatus);
  // An outbox event lives in one of two services (issue 21): bill-inquiry, then product-change.
  const auto& redeliver = route_for(routes, "POST", "/api/v1/admin/events/0123/redeliver");
  EXPECT_EQ(redeliver.upstream, "bill-inquiry");
  EXPECT_EQ(redeliver.fallback_upstream, "product-change");
  EXPECT_EQ(redeliver.permission, "ADMIN");
  EXPECT_EQ(route_for(routes, "GET", "/api/v1/admin/events/0123").target, Target::kNotFound);
  EXPECT_EQ(route_for(routes, "GET", "/api/v1/ops/status").permission, "ADMIN");
}

// Login, refresh and JWKS are public; login and refresh each have a bucket of their own.
TEST(RouteTableTest, PublicAuthRoutes) {
  auto routes = default_routes();
  const auto& login = route_for(routes, "POST", "/api/v1/auth/login");
  EXPECT_EQ(login.access, Access::kPublic);
  EXPECT_EQ(login.rate_class, RateClass::kLogin);
  EXPECT_EQ(route_for(routes, "POST", "/api/v1/auth/refresh").access, Access::kPublic);
  EXPECT_EQ(route_for(routes, "POST", "/api/v1/auth/refresh").rate_class, RateClass::kRefresh);
  EXPECT_EQ(route_for(routes, "GET", "/api/v1/auth/jwks").access, Access::kPublic);
  // GET on login is not the public POST: it falls to the authenticated prefix.
  EXPECT_EQ(route_for(routes, "GET", "/api/v1/auth/login").access, Access::kAuthenticated);
  EXPECT_EQ(route_for(routes, "POST", "/api/v1/auth/logout").access, Access::kAuthenticated);
}

// Unknown API paths (kos-sim's included) are 404; look-alike prefixes do not match.
TEST(RouteTableTest, EverythingElseUnderApiIsNotFound) {
  auto routes = default_routes();
  for (auto path : {"/api/v1/kos/product/list", "/api/v1/billsx", "/api/v2/bills/menu", "/api",
                    "/api/v1/authx/login", "/api/whatever"}) {
    EXPECT_EQ(route_for(routes, "GET", path).target, Target::kNotFound) << path;
  }
  EXPECT_EQ(route_for(routes, "GET", "/api/v1/admin/anything").permission, "ADMIN");
  EXPECT_EQ(route_for(routes, "DELETE", "/api/v1/ops/x").permission, "ADMIN");
}

// Docs are public, everything outside /api is the web app.
TEST(RouteTableTest, DocsAndWebApp) {
  auto routes = default_routes();
  EXPECT_EQ(route_for(routes, "GET", "/api/docs").target, Target::kApiDocs);
  EXPECT_EQ(route_for(routes, "GET", "/api/docs/openapi.yaml").access, Access::kPublic);
  EXPECT_EQ(route_for(routes, "GET", "/").target, Target::kWebApp);
  EXPECT_EQ(route_for(routes, "HEAD", "/bills/result").target, Target::kWebApp);
  EXPECT_EQ(find_route(routes, "POST", "/index.html"), nullptr);
}

// The http::Router built from the same patterns picks the same first match.
TEST(RouteTableTest, RouterAgreesWithFindRoute) {
  auto routes = default_routes();
  phonebill::http::Router router;
  for (const auto& route : routes)
    for (const auto& method : route.methods) router.add(method, route.pattern, {});
  std::vector<std::pair<std::string, std::string>> parameters;
  for (auto [method, path] :
       std::vector<std::pair<std::string, std::string>>{{"POST", "/api/v1/auth/login"},
                                                        {"GET", "/api/v1/auth/me"},
                                                        {"GET", "/api/v1/bills/menu"},
                                                        {"GET", "/api/v1/kos/product/list"},
                                                        {"GET", "/assets/app-1234abcd.js"},
                                                        {"DELETE", "/api/v1/admin/users/x"},
                                                        {"GET", "/api/docs"}}) {
    auto match = router.match(method, path, parameters);
    ASSERT_EQ(match.status, phonebill::http::MatchStatus::kMatched) << path;
    EXPECT_EQ(match.pattern, find_route(routes, method, path)->pattern) << method << " " << path;
  }
}

// What may go again to another instance after the one that had it died (SPEC §4): logins,
// bill inquiries and plan checks always, a plan change only with its Idempotency-Key,
// everything else only by its method (a refresh never: a reused token ends the session).
TEST(RouteTableTest, OnlyHarmlessPostsMayBeRepeated) {
  auto routes = default_routes();
  auto replay = [&](std::string_view method, std::string_view path) {
    return route_for(routes, method, path).replay;
  };
  EXPECT_EQ(replay("POST", "/api/v1/auth/login"), Replay::kAlways);
  EXPECT_EQ(replay("POST", "/api/v1/bills/inquiry"), Replay::kAlways);
  EXPECT_EQ(replay("POST", "/api/v1/products/change/validation"), Replay::kAlways);
  EXPECT_EQ(replay("POST", "/api/v1/products/change"), Replay::kIdempotencyKeyOnly);
  EXPECT_EQ(replay("POST", "/api/v1/auth/refresh"), Replay::kIdempotentMethod);
  EXPECT_EQ(replay("POST", "/api/v1/auth/logout"), Replay::kIdempotentMethod);
  EXPECT_EQ(replay("PUT", "/api/v1/admin/users/u1/permissions"), Replay::kIdempotentMethod);
  EXPECT_EQ(replay("GET", "/api/v1/products/change/r1"), Replay::kIdempotentMethod);
  // The exact routes keep their upstream and permission.
  EXPECT_EQ(route_for(routes, "POST", "/api/v1/products/change").upstream, "product-change");
  EXPECT_EQ(route_for(routes, "POST", "/api/v1/products/change").permission, "PRODUCT_CHANGE");
  EXPECT_EQ(route_for(routes, "POST", "/api/v1/bills/inquiry").permission, "BILL_INQUIRY");

  EXPECT_TRUE(replay_allowed(Replay::kAlways, false));
  EXPECT_TRUE(replay_allowed(Replay::kIdempotencyKeyOnly, true));
  EXPECT_FALSE(replay_allowed(Replay::kIdempotencyKeyOnly, false));
  EXPECT_FALSE(replay_allowed(Replay::kIdempotentMethod, true));
}
