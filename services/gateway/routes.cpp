// The gateway's request pipeline (path, limits, token, permission, target) and admin routes.
#include "routes.hpp"

#include "http/api_error.hpp"
#include "proxy.hpp"
#include "rate_limit_headers.hpp"
#include "request_path.hpp"
#include "security/token_verifier.hpp"

namespace phonebill::gateway {
namespace {

namespace asio = boost::asio;
using http::CommonError;

http::Response error(const http::Request& request, CommonError code) {
  return http::error_response(request, http::common_error(code));
}

http::Response rate_limited(const http::Request& request, std::chrono::seconds retry_after) {
  auto response = error(request, CommonError::kRateLimited);
  response.set_header("Retry-After", std::to_string(retry_after.count()));
  return response;
}

// The token of the request, checked without I/O (the verified-token cache makes a repeated
// token cheap). nullopt bearer: no "Bearer <token>" header.
security::TokenResult check_token(security::TokenVerifier& verifier,
                                  std::optional<std::string_view> bearer) {
  if (!bearer) return security::TokenResult{security::TokenStatus::kMissing};
  return verifier.verify(*bearer);
}

// Everything but the rate-limit and CORS headers and the stats, which handle() adds to any
// answer; `limits` collects each limit the request went through.
asio::awaitable<http::Response> answer(GatewayContext& context, const GatewayRoute& route,
                                       http::Request& request, RateLimitHeaders& limits) {
  if (!is_canonical_path(request.path)) co_return error(request, CommonError::kNotFound);
  // An IPv6 client holds a whole /64: per address, it could step around every bucket.
  auto client = client_rate_key(request.remote_address);
  if (route.rate_class == RateClass::kLogin || route.rate_class == RateClass::kRefresh) {
    auto& limiter = route.rate_class == RateClass::kLogin ? context.limiters.login_per_ip
                                                          : context.limiters.refresh_per_ip;
    auto decision = co_await limiter.take(client);
    limits.add(limiter.local().name(), limiter.local().settings(), decision);
    if (!decision.allowed) {
      context.metrics.record_rate_limited(limiter.local().name());
      co_return rate_limited(request, decision.retry_after);
    }
  }
  auto by_ip = context.limiters.per_ip.take(client);
  limits.add(context.limiters.per_ip.name(), context.limiters.per_ip.settings(), by_ip);
  if (!by_ip.allowed) {
    context.metrics.record_rate_limited("ip");
    co_return rate_limited(request, by_ip.retry_after);
  }
  // Public routes still read a token that is sent (user in the log, per-user limit).
  bool needs_token = route.access != Access::kPublic;
  if (needs_token || !request.header("authorization").empty()) {
    auto bearer = security::extract_bearer(request.header("authorization"));
    auto token = check_token(context.verifier, bearer);
    if (!token && token.error() == security::TokenStatus::kUnknownKey) {
      // A kid we do not know yet (auth rotated its key): refresh the JWKS (rate-limited).
      std::string text{*bearer};
      token = co_await context.verifier.verify_or_refresh(std::move(text));
    }
    if (!token) {
      if (needs_token) {
        context.metrics.record_auth_rejection(security::to_string(token.error()));
        co_return error(request, security::to_common_error(token.error()));
      }
    } else {
      request.user_id = token->user_id;
      if (route.access == Access::kPermission && !token->has_permission(route.permission)) {
        context.metrics.record_auth_rejection("forbidden");
        co_return error(request, CommonError::kForbidden);
      }
      auto by_user = context.limiters.per_user.take(token->user_id);
      limits.add(context.limiters.per_user.name(), context.limiters.per_user.settings(), by_user);
      if (!by_user.allowed) {
        context.metrics.record_rate_limited("user");
        co_return rate_limited(request, by_user.retry_after);
      }
    }
  }
  switch (route.target) {
    case Target::kUpstream: {
      auto found = context.upstreams.find(route.upstream);
      if (found == context.upstreams.end())
        co_return error(request, CommonError::kServiceUnavailable);
      ProxyOptions options;  // built first: GCC 12 miscompiles braced temporaries in co_await
      options.tls = context.tls;
      options.replay_safe =
          replay_allowed(route.replay, !request.header("idempotency-key").empty());
      auto response = co_await forward(*found->second, request, context.metrics, options);
      if (response.status != 404 || route.fallback_upstream.empty()) co_return response;
      auto fallback = context.upstreams.find(route.fallback_upstream);
      if (fallback == context.upstreams.end()) co_return response;
      co_return co_await forward(*fallback->second, request, context.metrics, options);
    }
    case Target::kOpsStatus:
      co_return co_await context.ops.answer(request);
    case Target::kApiDocs:
      co_return context.docs.serve(request);
    case Target::kWebApp:
      co_return context.web.serve(request);
    case Target::kNotFound:
      break;
  }
  co_return error(request, CommonError::kNotFound);
}

asio::awaitable<http::Response> handle(GatewayContext& context, std::size_t index,
                                       http::Request& request) {
  auto started = std::chrono::steady_clock::now();
  RateLimitHeaders limits;
  auto response = co_await answer(context, context.routes[index], request, limits);
  limits.apply(response);
  context.cors.decorate(request, response);
  context.traffic.record(
      index, response.status,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
      request.request_id, request.trace_id);
  co_return response;
}

}  // namespace

std::vector<std::string> route_names(const std::vector<GatewayRoute>& routes) {
  std::vector<std::string> names;
  for (const auto& route : routes) names.push_back(route.pattern);
  return names;
}

http::Router make_routes(GatewayContext& context) {
  http::Router router;
  for (std::size_t index = 0; index < context.routes.size(); ++index) {
    for (const auto& method : context.routes[index].methods) {
      router.add(method, context.routes[index].pattern, [&context, index](http::Request& request) {
        return handle(context, index, request);
      });
    }
  }
  router.add("OPTIONS", "/**",
             [&context](http::Request& request) -> asio::awaitable<http::Response> {
               co_return context.cors.preflight(request);
             });
  return router;
}

http::Router make_admin_routes(http::Metrics& metrics, GatewayMetrics& gateway_metrics,
                               std::vector<Upstream*> upstreams,
                               const security::TokenVerifier* verifier) {
  http::Router router;
  router.add("GET", "/metrics",
             [&metrics, &gateway_metrics, upstreams,
              verifier](http::Request&) -> asio::awaitable<http::Response> {
               gateway_metrics.refresh(upstreams, verifier);
               co_return http::text_response(metrics.render() + gateway_metrics.render(),
                                             "text/plain; version=0.0.4");
             });
  return router;
}

http::HeaderList security_headers(bool tls) {
  http::HeaderList headers{
      {"Content-Security-Policy",
       "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
       "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"},
      {"X-Content-Type-Options", "nosniff"},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "no-referrer"},
      {"Permissions-Policy", "camera=(), microphone=(), geolocation=()"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
  };
  if (tls) headers.emplace_back("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  return headers;
}

}  // namespace phonebill::gateway
