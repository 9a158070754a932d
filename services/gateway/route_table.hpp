// SPEC §4's route table as data: which path prefix goes where (an upstream, a local
// page, or 404) and what a caller needs to get there (public, a valid token, a
// permission). routes.cpp turns it into the http::Router; find_route answers the same
// question without one (tests, ops/status). First match wins, so exact public routes
// come before their prefix.
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace phonebill::gateway {

enum class Target {
  kUpstream,   // proxied to `upstream`
  kOpsStatus,  // GET /api/v1/ops/status
  kApiDocs,    // /api/docs: Swagger UI and the OpenAPI document
  kNotFound,   // everything else under /api
  kWebApp,     // static files with SPA fallback
};

enum class Access {
  kPublic,         // no token needed (a valid one is still read for the log and limits)
  kAuthenticated,  // a valid, unrevoked access token
  kPermission,     // that, and `permission` among its perms
};

enum class RateClass { kNormal, kLogin, kRefresh };

// Whether a request an upstream instance may have received, but that died or reset the
// connection before answering, goes once more to another instance (SPEC §4). A killed
// instance then costs no request whose repeat is harmless, POSTs included.
enum class Replay {
  kIdempotentMethod,    // GET, HEAD, PUT, DELETE, OPTIONS (RFC 9110) only: the default
  kAlways,              // a POST whose repeat is harmless: a read, or a new login session
  kIdempotencyKeyOnly,  // a POST the upstream deduplicates by its Idempotency-Key header
};

struct GatewayRoute {
  std::vector<std::string> methods;  // GET also answers HEAD
  std::string pattern;               // http::Router pattern (`/**` for prefixes)
  Target target = Target::kNotFound;
  std::string upstream;  // for kUpstream
  Access access = Access::kAuthenticated;
  std::string permission;  // for kPermission
  RateClass rate_class = RateClass::kNormal;
  Replay replay = Replay::kIdempotentMethod;  // for kUpstream
  // For kUpstream: asked in turn when `upstream` answers 404 (a record that lives in one
  // of two services, such as an outbox event).
  std::string fallback_upstream;
};

// The methods a proxied prefix accepts.
const std::vector<std::string>& proxied_methods();

// Whether a POST (or another method that is not idempotent) on a route with `replay` may
// be sent again after an instance failed with it (Replay above).
bool replay_allowed(Replay replay, bool has_idempotency_key);

// SPEC §4, in match order.
std::vector<GatewayRoute> default_routes();

// The first route whose pattern matches `path` (segment-wise, `**` = any rest) and
// whose methods include `method` (HEAD counts as GET); nullptr if none.
const GatewayRoute* find_route(const std::vector<GatewayRoute>& routes, std::string_view method,
                               std::string_view path);

}  // namespace phonebill::gateway
