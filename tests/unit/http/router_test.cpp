// Router: literal, parameter and ** patterns, 404 and 405 with Allow.
#include "http/router.hpp"

#include <gtest/gtest.h>

using namespace phonebill::http;

namespace {
Handler noop() {
  return [](Request&) -> boost::asio::awaitable<Response> { co_return Response{}; };
}
}  // namespace

// Parameters are captured per segment and percent-decoded.
TEST(Router, CapturesDecodedPathParameters) {
  Router router;
  router.add("GET", "/api/v1/kos/bill/available-months/{lineNumber}", noop());
  std::vector<std::pair<std::string, std::string>> parameters;
  auto match = router.match("GET", "/api/v1/kos/bill/available-months/010-1234%2D5678", parameters);
  ASSERT_EQ(match.status, MatchStatus::kMatched);
  ASSERT_EQ(parameters.size(), 1u);
  EXPECT_EQ(parameters[0].first, "lineNumber");
  EXPECT_EQ(parameters[0].second, "010-1234-5678");
  EXPECT_EQ(match.pattern, "/api/v1/kos/bill/available-months/{lineNumber}");
}

// A known path with the wrong method is 405 listing the allowed ones; unknown is 404.
TEST(Router, DistinguishesWrongMethodFromUnknownPath) {
  Router router;
  router.add("GET", "/admin/faults", noop());
  router.add("PUT", "/admin/faults", noop());
  std::vector<std::pair<std::string, std::string>> parameters;
  auto wrong_method = router.match("POST", "/admin/faults", parameters);
  EXPECT_EQ(wrong_method.status, MatchStatus::kMethodNotAllowed);
  EXPECT_EQ(wrong_method.allowed_methods, "GET, PUT");
  EXPECT_EQ(router.match("GET", "/admin/fault", parameters).status, MatchStatus::kNotFound);
  EXPECT_EQ(router.match("GET", "/admin/faults/x", parameters).status, MatchStatus::kNotFound);
  EXPECT_EQ(router.match("HEAD", "/admin/faults", parameters).status, MatchStatus::kMatched);
}

// An empty segment never satisfies a parameter; ** matches any rest of the path.
TEST(Router, EmptyParameterAndPrefixRoutes) {
  Router router;
  router.add("GET", "/items/{id}", noop());
  router.add("GET", "/api/v1/auth/**", noop());
  std::vector<std::pair<std::string, std::string>> parameters;
  EXPECT_EQ(router.match("GET", "/items/", parameters).status, MatchStatus::kNotFound);
  EXPECT_EQ(router.match("GET", "/api/v1/auth/me", parameters).status, MatchStatus::kMatched);
  EXPECT_EQ(router.match("GET", "/api/v1/auth/a/b/c", parameters).status, MatchStatus::kMatched);
  EXPECT_EQ(router.match("GET", "/api/v1/bills", parameters).status, MatchStatus::kNotFound);
}
