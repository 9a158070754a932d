// The gateway's request pipeline and route table (SPEC §4). Every route runs the same
// steps, each one job: canonical path → per-IP limit (and the login or refresh limit) → token
// (required or optional by route) → permission → per-user limit → target (upstream,
// ops/status, API docs, web app, 404) → rate-limit headers, CORS headers and traffic stats. The
// admin port's routes (/metrics) are built here too. Entry points: make_routes, make_admin_routes.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "api_docs.hpp"
#include "cors.hpp"
#include "exact_rate_limiter.hpp"
#include "gateway_metrics.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"
#include "ops_status.hpp"
#include "rate_limiter.hpp"
#include "route_table.hpp"
#include "static_site.hpp"
#include "traffic_stats.hpp"
#include "upstream.hpp"

namespace phonebill::security {
class TokenVerifier;
}

namespace phonebill::gateway {

struct RateLimiters {
  RateLimiter& per_ip;
  RateLimiter& per_user;
  ExactRateLimiter& login_per_ip;  // shared exactly through Redis
  ExactRateLimiter& refresh_per_ip;
};

struct GatewayContext {
  std::vector<GatewayRoute> routes;            // default_routes()
  std::map<std::string, Upstream*> upstreams;  // by name
  security::TokenVerifier& verifier;
  RateLimiters limiters;
  const CorsPolicy& cors;
  const StaticSite& web;
  const ApiDocs& docs;
  TrafficStats& traffic;
  GatewayMetrics& metrics;
  OpsStatus& ops;
  bool tls = false;
};

// Route names for TrafficStats, in the order make_routes registers them.
std::vector<std::string> route_names(const std::vector<GatewayRoute>& routes);

// The public listener's router: one entry per (route, method), then OPTIONS /** for CORS.
http::Router make_routes(GatewayContext& context);

// The admin listener's router: GET /metrics renders `metrics` after refreshing gauges.
http::Router make_admin_routes(http::Metrics& metrics, GatewayMetrics& gateway_metrics,
                               std::vector<Upstream*> upstreams,
                               const security::TokenVerifier* verifier);

// Security headers for every public response (CSP, nosniff, frame denial, referrer
// policy; HSTS when the listener speaks TLS).
http::HeaderList security_headers(bool tls);

}  // namespace phonebill::gateway
