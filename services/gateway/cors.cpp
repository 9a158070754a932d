// CORS from an allow-list of exact origins, preflight answers included (SPEC §4).
#include "cors.hpp"

#include <algorithm>

#include "http/api_error.hpp"

namespace phonebill::gateway {
namespace {
constexpr std::string_view kAllowedMethods = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
constexpr std::string_view kAllowedHeaders =
    "Authorization, Content-Type, Idempotency-Key, X-Request-Id, traceparent";
// What a browser app may read: ids for support, and when it may try again (the rate-limit
// headers of limited routes included, so the app can slow down before a 429).
constexpr std::string_view kExposedHeaders =
    "X-Request-Id, traceparent, Retry-After, RateLimit, RateLimit-Policy";
}  // namespace

CorsPolicy::CorsPolicy(std::vector<std::string> allowed_origins)
    : origins_(std::move(allowed_origins)) {}

bool CorsPolicy::allows(std::string_view origin) const {
  return !origin.empty() && std::find(origins_.begin(), origins_.end(), origin) != origins_.end();
}

void CorsPolicy::decorate(const http::Request& request, http::Response& response) const {
  if (origins_.empty()) return;
  auto origin = request.header("origin");
  if (!allows(origin)) return;
  response.set_header("Access-Control-Allow-Origin", std::string{origin});
  response.set_header("Access-Control-Expose-Headers", std::string{kExposedHeaders});
  response.set_header("Vary", "Origin");
}

http::Response CorsPolicy::preflight(const http::Request& request) const {
  auto origin = request.header("origin");
  bool is_preflight = !origin.empty() && !request.header("access-control-request-method").empty();
  if (!is_preflight) {
    http::Response response = http::text_response({}, "text/plain", 204);
    response.set_header("Allow", std::string{kAllowedMethods});
    return response;
  }
  if (!allows(origin))
    return http::error_response(request, http::common_error(http::CommonError::kForbidden));
  http::Response response = http::text_response({}, "text/plain", 204);
  response.set_header("Access-Control-Allow-Origin", std::string{origin});
  response.set_header("Access-Control-Allow-Methods", std::string{kAllowedMethods});
  response.set_header("Access-Control-Allow-Headers", std::string{kAllowedHeaders});
  response.set_header("Access-Control-Max-Age", "600");
  response.set_header("Vary", "Origin");
  return response;
}

}  // namespace phonebill::gateway
