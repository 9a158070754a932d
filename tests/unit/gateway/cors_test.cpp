// CORS allow-list: listed origins get headers and preflights, others get neither.
#include <gtest/gtest.h>

#include "cors.hpp"

using namespace phonebill;
using namespace phonebill::gateway;

namespace {
http::Request with_origin(std::string method, std::string origin, bool preflight = false) {
  http::Request request;
  request.method = std::move(method);
  request.path = "/api/v1/bills/menu";
  if (!origin.empty()) request.headers.emplace_back("origin", std::move(origin));
  if (preflight) request.headers.emplace_back("access-control-request-method", "POST");
  return request;
}
}  // namespace

// A listed origin gets its own origin back, with Vary: Origin.
TEST(CorsTest, ListedOriginIsDecorated) {
  CorsPolicy cors{{"https://app.example"}};
  http::Response response;
  cors.decorate(with_origin("GET", "https://app.example"), response);
  EXPECT_EQ(response.header("Access-Control-Allow-Origin"), "https://app.example");
  EXPECT_EQ(response.header("Vary"), "Origin");
}

// A browser app may read the ids, Retry-After and the rate-limit headers (draft-11 names).
TEST(CorsTest, ExposesIdsRetryAfterAndRateLimitHeaders) {
  CorsPolicy cors{{"https://app.example"}};
  http::Response response;
  cors.decorate(with_origin("GET", "https://app.example"), response);
  const std::string exposed{response.header("Access-Control-Expose-Headers")};
  for (const char* name :
       {"X-Request-Id", "traceparent", "Retry-After", "RateLimit", "RateLimit-Policy"})
    EXPECT_NE(exposed.find(name), std::string::npos) << name << " not in: " << exposed;
}

// Unlisted origins and requests without Origin get no CORS headers.
TEST(CorsTest, OthersAreNot) {
  CorsPolicy cors{{"https://app.example"}};
  http::Response evil;
  cors.decorate(with_origin("GET", "https://evil.example"), evil);
  EXPECT_TRUE(evil.headers.empty());
  http::Response none;
  cors.decorate(with_origin("GET", ""), none);
  EXPECT_TRUE(none.headers.empty());
}

// Preflights: 204 with methods and headers for a listed origin, 403 for another.
TEST(CorsTest, Preflight) {
  CorsPolicy cors{{"https://app.example"}};
  auto allowed = cors.preflight(with_origin("OPTIONS", "https://app.example", true));
  EXPECT_EQ(allowed.status, 204);
  EXPECT_NE(allowed.header("Access-Control-Allow-Methods").find("POST"), std::string_view::npos);
  EXPECT_NE(allowed.header("Access-Control-Allow-Headers").find("Authorization"),
            std::string_view::npos);
  EXPECT_EQ(cors.preflight(with_origin("OPTIONS", "https://evil.example", true)).status, 403);
  EXPECT_EQ(cors.preflight(with_origin("OPTIONS", "")).status, 204);
}
