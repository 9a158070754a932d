// Router with RouteIndex against the linear scan it replaced: for a table shaped like the
// gateway's (exact routes before their prefixes, `**`, a catch-all, OPTIONS on every
// path) plus parameter routes, every method on many paths gets the same answer: status,
// route, 405 allow list and parameters.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "http/router.hpp"

namespace phonebill::http {
namespace {

using Parameters = std::vector<std::pair<std::string, std::string>>;

Handler noop() {
  return [](Request&) -> boost::asio::awaitable<Response> { co_return Response{}; };
}

// The table, and the linear scan Router used before (kept here as the reference).
struct ReferenceRoute {
  std::string method;
  std::string pattern;
  std::vector<std::string> segments;
  bool prefix = false;
};

std::vector<std::string> split(std::string_view path) {
  std::vector<std::string> segments;
  std::size_t start = path.starts_with('/') ? 1 : 0;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    segments.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return segments;
}

bool is_parameter(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

bool reference_matches(const ReferenceRoute& route, const std::vector<std::string>& path) {
  if (route.prefix ? path.size() < route.segments.size() : path.size() != route.segments.size())
    return false;
  for (std::size_t i = 0; i < route.segments.size(); ++i) {
    if (is_parameter(route.segments[i])) {
      if (path[i].empty()) return false;
    } else if (route.segments[i] != path[i]) {
      return false;
    }
  }
  return true;
}

struct ReferenceAnswer {
  MatchStatus status = MatchStatus::kNotFound;
  std::size_t route_index = 0;
  std::string allowed_methods;
};

ReferenceAnswer reference_match(const std::vector<ReferenceRoute>& routes, std::string_view method,
                                std::string_view path) {
  auto segments = split(path);
  ReferenceAnswer answer;
  for (std::size_t index = 0; index < routes.size(); ++index) {
    const auto& route = routes[index];
    if (!reference_matches(route, segments)) continue;
    if (route.method == method || (method == "HEAD" && route.method == "GET")) {
      answer.status = MatchStatus::kMatched;
      answer.route_index = index;
      return answer;
    }
    answer.status = MatchStatus::kMethodNotAllowed;
    if (answer.allowed_methods.find(route.method) == std::string::npos) {
      if (!answer.allowed_methods.empty()) answer.allowed_methods += ", ";
      answer.allowed_methods += route.method;
    }
  }
  return answer;
}

class RouteIndexTest : public ::testing::Test {
 protected:
  void add(std::string method, std::string pattern) {
    ReferenceRoute route{method, pattern, split(pattern)};
    if (!route.segments.empty() && route.segments.back() == "**") {
      route.prefix = true;
      route.segments.pop_back();
    }
    reference_.push_back(std::move(route));
    router_.add(std::move(method), std::move(pattern), noop());
  }

  // The gateway's table (route_table.cpp's default_routes, as make_routes adds it), with
  // parameter routes of the services mixed in.
  void add_gateway_like_table() {
    const std::vector<std::string> any{"GET", "POST", "PUT", "PATCH", "DELETE"};
    add("POST", "/api/v1/auth/login");
    add("POST", "/api/v1/auth/refresh");
    add("GET", "/api/v1/auth/jwks");
    for (const auto& method : any) add(method, "/api/v1/auth/**");
    for (const auto& method : any) add(method, "/api/v1/admin/users/**");
    add("POST", "/api/v1/bills/inquiry");
    add("GET", "/api/v1/bills/{requestId}");
    add("DELETE", "/api/v1/bills/{id}/items/{item}");
    add("GET", "/api/v1/bills/{requestId}/pdf");
    for (const auto& method : any) add(method, "/api/v1/bills/**");
    add("POST", "/api/v1/products/change/validation");
    add("POST", "/api/v1/products/change");
    add("GET", "/api/v1/products/{productCode}");
    for (const auto& method : any) add(method, "/api/v1/products/**");
    add("GET", "/api/v1/ops/status");
    add("POST", "/api/v1/admin/events/**");
    for (const auto& method : any) add(method, "/api/v1/admin/**");
    for (const auto& method : any) add(method, "/api/v1/ops/**");
    add("GET", "/api/docs");
    add("GET", "/api/docs/**");
    for (const auto& method : any) add(method, "/api/**");
    add("GET", "/{page}");
    add("PUT", "/items/{id}");
    add("GET", "/items/{id}");
    add("GET", "/");
    add("GET", "/**");
    add("OPTIONS", "/**");
  }

  void expect_same_answer(std::string_view method, std::string_view path) {
    auto expected = reference_match(reference_, method, path);
    Parameters parameters;
    auto actual = router_.match(method, path, parameters);
    ASSERT_EQ(actual.status, expected.status) << method << " " << path;
    if (expected.status == MatchStatus::kMatched) {
      EXPECT_EQ(actual.route_index, expected.route_index) << method << " " << path;
      EXPECT_EQ(actual.pattern, reference_[expected.route_index].pattern) << method << " " << path;
    } else {
      EXPECT_EQ(actual.allowed_methods, expected.allowed_methods) << method << " " << path;
    }
  }

  Router router_;
  std::vector<ReferenceRoute> reference_;
};

// Every method on every path built from segments the table knows (and some it does not,
// empty ones included), up to five segments deep, with and without a trailing slash.
TEST_F(RouteIndexTest, AgreesWithTheLinearScanOnEveryPath) {
  add_gateway_like_table();
  const std::vector<std::string> pieces{"api",    "v1",         "auth",  "login",  "bills",
                                        "menu",   "admin",      "users", "events", "products",
                                        "change", "validation", "ops",   "status", "docs",
                                        "items",  "pdf",        "x",     "",       "%7B"};
  std::vector<std::string> paths{"", "/"};
  std::vector<std::string> layer{""};
  for (int depth = 1; depth <= 4; ++depth) {
    std::vector<std::string> next;
    for (const auto& prefix : layer) {
      for (const auto& piece : pieces) {
        // Keep the count bounded: deeper levels only extend paths the table routes.
        if (depth >= 3 && !prefix.starts_with("/api")) continue;
        next.push_back(prefix + "/" + piece);
      }
    }
    for (const auto& path : next) {
      paths.push_back(path);
      paths.push_back(path + "/");
      paths.push_back(path + "/deeper/still");
    }
    layer = std::move(next);
  }
  ASSERT_GT(paths.size(), 10'000u);
  for (const auto& path : paths) {
    for (std::string_view method :
         {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "get"}) {
      expect_same_answer(method, path);
      if (HasFatalFailure()) return;
    }
  }
}

// The answers the gateway depends on, spelled out.
TEST_F(RouteIndexTest, ExactBeforePrefixAllowListsAndParameters) {
  add_gateway_like_table();
  Parameters parameters;
  auto login = router_.match("POST", "/api/v1/auth/login", parameters);
  ASSERT_EQ(login.status, MatchStatus::kMatched);
  EXPECT_EQ(login.pattern, "/api/v1/auth/login");
  // GET on the login path: the prefix route behind it answers.
  EXPECT_EQ(router_.match("GET", "/api/v1/auth/login", parameters).pattern, "/api/v1/auth/**");
  auto menu = router_.match("HEAD", "/api/v1/bills/menu", parameters);
  ASSERT_EQ(menu.status, MatchStatus::kMatched);
  EXPECT_EQ(menu.pattern, "/api/v1/bills/{requestId}");
  ASSERT_EQ(parameters.size(), 1u);
  EXPECT_EQ(parameters[0], (std::pair<std::string, std::string>{"requestId", "menu"}));
  auto item = router_.match("DELETE", "/api/v1/bills/b%2D1/items/7", parameters);
  ASSERT_EQ(item.status, MatchStatus::kMatched);
  ASSERT_EQ(parameters.size(), 2u);
  EXPECT_EQ(parameters[0].second, "b-1");
  EXPECT_EQ(parameters[1], (std::pair<std::string, std::string>{"item", "7"}));
  // Outside /api only GET and OPTIONS routes exist: 405 lists them in table order.
  auto post_page = router_.match("POST", "/index.html", parameters);
  EXPECT_EQ(post_page.status, MatchStatus::kMethodNotAllowed);
  EXPECT_EQ(post_page.allowed_methods, "GET, OPTIONS");
  auto post_item = router_.match("POST", "/items/3", parameters);
  EXPECT_EQ(post_item.status, MatchStatus::kMethodNotAllowed);
  EXPECT_EQ(post_item.allowed_methods, "PUT, GET, OPTIONS");
  // An empty segment is no parameter: the catch-all answers.
  EXPECT_EQ(router_.match("GET", "/items/", parameters).pattern, "/**");
}

// Without a catch-all, an unknown path is 404 and a prefix covers its own bare path.
TEST_F(RouteIndexTest, PrefixCoversItsBarePathAndUnknownIsNotFound) {
  add("GET", "/api/v1/auth/**");
  add("GET", "/items/{id}");
  Parameters parameters;
  EXPECT_EQ(router_.match("GET", "/api/v1/auth", parameters).status, MatchStatus::kMatched);
  EXPECT_EQ(router_.match("GET", "/api/v1/auth/", parameters).status, MatchStatus::kMatched);
  EXPECT_EQ(router_.match("GET", "/api/v1", parameters).status, MatchStatus::kNotFound);
  EXPECT_EQ(router_.match("GET", "/items", parameters).status, MatchStatus::kNotFound);
  EXPECT_EQ(router_.match("GET", "/items/1/2", parameters).status, MatchStatus::kNotFound);
  EXPECT_EQ(router_.match("GET", "/", parameters).status, MatchStatus::kNotFound);
}

}  // namespace
}  // namespace phonebill::http
