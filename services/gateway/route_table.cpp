// SPEC §4's route table as data: path prefix → upstream or page, and who may call it.
#include "route_table.hpp"

#include <algorithm>

namespace phonebill::gateway {
namespace {

GatewayRoute proxy(std::vector<std::string> methods, std::string pattern, std::string upstream,
                   Access access, std::string permission = {},
                   RateClass rate_class = RateClass::kNormal) {
  return GatewayRoute{
      std::move(methods),    std::move(pattern), Target::kUpstream, std::move(upstream), access,
      std::move(permission), rate_class};
}

GatewayRoute local(std::vector<std::string> methods, std::string pattern, Target target,
                   Access access, std::string permission = {}) {
  return GatewayRoute{std::move(methods),    std::move(pattern), target, {}, access,
                      std::move(permission), RateClass::kNormal};
}

GatewayRoute with_fallback(GatewayRoute route, std::string fallback) {
  route.fallback_upstream = std::move(fallback);
  return route;
}

GatewayRoute replayed(GatewayRoute route, Replay replay) {
  route.replay = replay;
  return route;
}

// Segment-wise match of a router pattern without parameters.
bool pattern_matches(std::string_view pattern, std::string_view path) {
  bool prefix = pattern.ends_with("/**");
  if (prefix) pattern.remove_suffix(3);
  if (!path.starts_with(pattern)) return false;
  auto rest = path.substr(pattern.size());
  return rest.empty() || (prefix && rest.front() == '/');
}

}  // namespace

bool replay_allowed(Replay replay, bool has_idempotency_key) {
  switch (replay) {
    case Replay::kAlways:
      return true;
    case Replay::kIdempotencyKeyOnly:
      return has_idempotency_key;
    case Replay::kIdempotentMethod:
      return false;
  }
  return false;
}

const std::vector<std::string>& proxied_methods() {
  static const std::vector<std::string> kMethods{"GET", "POST", "PUT", "PATCH", "DELETE"};
  return kMethods;
}

std::vector<GatewayRoute> default_routes() {
  const auto& any = proxied_methods();
  std::vector<GatewayRoute> routes;
  // A login sent again after auth died mid-request opens one more session; the first one,
  // if auth committed it, is never used and expires. (Refresh is never repeated: a reused
  // refresh token ends the session.)
  routes.push_back(replayed(
      proxy({"POST"}, "/api/v1/auth/login", "auth", Access::kPublic, {}, RateClass::kLogin),
      Replay::kAlways));
  routes.push_back(
      proxy({"POST"}, "/api/v1/auth/refresh", "auth", Access::kPublic, {}, RateClass::kRefresh));
  routes.push_back(proxy({"GET"}, "/api/v1/auth/jwks", "auth", Access::kPublic));
  routes.push_back(proxy(any, "/api/v1/auth/**", "auth", Access::kAuthenticated));
  routes.push_back(proxy(any, "/api/v1/admin/users/**", "auth", Access::kPermission, "ADMIN"));
  // A bill inquiry reads: sent twice, it records one more inquiry in the caller's history.
  routes.push_back(replayed(
      proxy({"POST"}, "/api/v1/bills/inquiry", "bill-inquiry", Access::kPermission, "BILL_INQUIRY"),
      Replay::kAlways));
  routes.push_back(
      proxy(any, "/api/v1/bills/**", "bill-inquiry", Access::kPermission, "BILL_INQUIRY"));
  routes.push_back(replayed(proxy({"POST"}, "/api/v1/products/change/validation", "product-change",
                                  Access::kPermission, "PRODUCT_CHANGE"),
                            Replay::kAlways));
  // A plan change is applied once per Idempotency-Key (SPEC §6): with one, the repeat gets
  // the first answer; without one it is never repeated.
  routes.push_back(replayed(proxy({"POST"}, "/api/v1/products/change", "product-change",
                                  Access::kPermission, "PRODUCT_CHANGE"),
                            Replay::kIdempotencyKeyOnly));
  routes.push_back(
      proxy(any, "/api/v1/products/**", "product-change", Access::kPermission, "PRODUCT_CHANGE"));
  routes.push_back(
      local({"GET"}, "/api/v1/ops/status", Target::kOpsStatus, Access::kPermission, "ADMIN"));
  // A dead letter lives in the outbox of the service that made it (issue 21): bill-inquiry
  // is asked first, product-change when bill-inquiry does not know the id.
  routes.push_back(with_fallback(
      proxy({"POST"}, "/api/v1/admin/events/**", "bill-inquiry", Access::kPermission, "ADMIN"),
      "product-change"));
  // Anything else under admin/ops is still ADMIN-only: a non-admin learns nothing, not even 404.
  routes.push_back(local(any, "/api/v1/admin/**", Target::kNotFound, Access::kPermission, "ADMIN"));
  routes.push_back(local(any, "/api/v1/ops/**", Target::kNotFound, Access::kPermission, "ADMIN"));
  routes.push_back(local({"GET"}, "/api/docs", Target::kApiDocs, Access::kPublic));
  routes.push_back(local({"GET"}, "/api/docs/**", Target::kApiDocs, Access::kPublic));
  routes.push_back(local(any, "/api/**", Target::kNotFound, Access::kPublic));
  routes.push_back(local({"GET"}, "/**", Target::kWebApp, Access::kPublic));
  return routes;
}

const GatewayRoute* find_route(const std::vector<GatewayRoute>& routes, std::string_view method,
                               std::string_view path) {
  if (method == "HEAD") method = "GET";
  for (const auto& route : routes) {
    if (!pattern_matches(route.pattern, path)) continue;
    if (std::find(route.methods.begin(), route.methods.end(), method) != route.methods.end())
      return &route;
  }
  return nullptr;
}

}  // namespace phonebill::gateway
