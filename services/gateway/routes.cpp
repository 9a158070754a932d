// The gateway's request pipeline (path, limits, token, permission, target) and admin routes.
#include "routes.hpp"

#include <optional>

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
// token cheap), into this thread's one VerifiedToken: assigned, not built, so a cached
// token's claims cost no allocation (issue 17 item 2: the permission list was one per
// request). It is read before the request's next suspension, so one per thread serves
// every request. nullptr and the status when not accepted; nullopt bearer: no
// "Bearer <token>" header.
const security::VerifiedToken* check_token(security::TokenVerifier& verifier,
                                           std::optional<std::string_view> bearer,
                                           security::TokenStatus& failure) {
  thread_local security::VerifiedToken verified;
  failure = security::TokenStatus::kMissing;
  if (!bearer) return nullptr;
  if (auto status = verifier.verify_into(*bearer, verified)) {
    failure = *status;
    return nullptr;
  }
  return &verified;
}

// The pipeline is one coroutine (handle) with the steps that need no I/O in plain
// functions: each nested coroutine is a frame, and frames past the 1,020 bytes of Asio's
// per-thread cache are a malloc each (issue 17 item 2: handle and answer were two
// frames, 608 and 1,360 bytes, per request). The steps that may wait (the login and
// refresh limits, a JWKS refresh for an unknown key) are coroutines of their own, taken
// only by the requests that need them.

// The login or refresh limit (shared exactly through Redis): an answer if it refuses.
asio::awaitable<std::optional<http::Response>> take_login_limit(GatewayContext& context,
                                                                const GatewayRoute& route,
                                                                const http::Request& request,
                                                                RateLimitHeaders& limits) {
  auto& limiter = route.rate_class == RateClass::kLogin ? context.limiters.login_per_ip
                                                        : context.limiters.refresh_per_ip;
  auto decision = co_await limiter.take(client_rate_key(request.remote_address));
  limits.add(limiter.local(), decision);
  if (!decision.allowed) {
    context.metrics.record_rate_limited(limiter.local().name());
    co_return rate_limited(request, decision.retry_after);
  }
  co_return std::nullopt;
}

// The permission and the per-user limit once the token is known; a token that failed
// (nullptr, with its status in `failure`) refuses a route that needs one. An answer if
// the request stops here.
std::optional<http::Response> check_user(GatewayContext& context, const GatewayRoute& route,
                                         http::Request& request, RateLimitHeaders& limits,
                                         const security::VerifiedToken* token,
                                         security::TokenStatus failure) {
  bool needs_token = route.access != Access::kPublic;
  if (token == nullptr) {
    if (!needs_token) return std::nullopt;
    context.metrics.record_auth_rejection(security::to_string(failure));
    return error(request, security::to_common_error(failure));
  }
  request.user_id = token->user_id;
  if (route.access == Access::kPermission && !token->has_permission(route.permission)) {
    context.metrics.record_auth_rejection("forbidden");
    return error(request, CommonError::kForbidden);
  }
  auto by_user = context.limiters.per_user.take(token->user_id);
  limits.add(context.limiters.per_user, by_user);
  if (!by_user.allowed) {
    context.metrics.record_rate_limited("user");
    return rate_limited(request, by_user.retry_after);
  }
  return std::nullopt;
}

// A token signed with a key the gateway does not know yet (auth rotated its key): checked
// again after a JWKS refresh (rate-limited), then as check_user.
asio::awaitable<std::optional<http::Response>> check_with_fresh_keys(GatewayContext& context,
                                                                     const GatewayRoute& route,
                                                                     http::Request& request,
                                                                     RateLimitHeaders& limits) {
  auto bearer = security::extract_bearer(request.header("authorization"));
  std::string text{bearer.value_or(std::string_view{})};
  auto token = co_await context.verifier.verify_or_refresh(std::move(text));
  co_return check_user(context, route, request, limits, token ? &*token : nullptr,
                       token ? security::TokenStatus::kMissing : token.error());
}

// The per-IP limit, then the token (public routes still read a token that is sent: the
// user in the log, the per-user limit). An answer if the request stops here;
// `refresh_keys`: the token names a key the gateway does not know (check_with_fresh_keys).
std::optional<http::Response> check_client(GatewayContext& context, const GatewayRoute& route,
                                           http::Request& request, RateLimitHeaders& limits,
                                           bool& refresh_keys) {
  // An IPv6 client holds a whole /64: per address, it could step around every bucket.
  auto by_ip = context.limiters.per_ip.take(client_rate_key(request.remote_address));
  limits.add(context.limiters.per_ip, by_ip);
  if (!by_ip.allowed) {
    context.metrics.record_rate_limited("ip");
    return rate_limited(request, by_ip.retry_after);
  }
  bool needs_token = route.access != Access::kPublic;
  auto authorization = request.header("authorization");
  if (!needs_token && authorization.empty()) return std::nullopt;
  auto bearer = security::extract_bearer(authorization);
  security::TokenStatus failure;
  const auto* token = check_token(context.verifier, bearer, failure);
  if (token == nullptr && failure == security::TokenStatus::kUnknownKey) {
    refresh_keys = true;
    return std::nullopt;
  }
  return check_user(context, route, request, limits, token, failure);
}

// The checks that wait (the login or refresh limit, a key refresh), in their order around
// check_client: the rare requests that need them pay for this frame, and handle keeps a
// single co_await for all of them. An answer if the request stops here.
asio::awaitable<std::optional<http::Response>> check_slowly(GatewayContext& context,
                                                            const GatewayRoute& route,
                                                            http::Request& request,
                                                            RateLimitHeaders& limits,
                                                            bool login_limited,
                                                            bool refresh_keys) {
  if (login_limited) {
    if (auto refused = co_await take_login_limit(context, route, request, limits)) co_return refused;
    if (auto answer = check_client(context, route, request, limits, refresh_keys)) co_return answer;
  }
  if (refresh_keys) co_return co_await check_with_fresh_keys(context, route, request, limits);
  co_return std::nullopt;
}

// The answer of a route that is not an upstream's, or 404.
http::Response local_answer(GatewayContext& context, const GatewayRoute& route,
                            http::Request& request) {
  switch (route.target) {
    case Target::kApiDocs:
      return context.docs.serve(request);
    case Target::kWebApp:
      return context.web.serve(request);
    default:
      return error(request, CommonError::kNotFound);
  }
}

// Rate-limit and CORS headers on any answer, and the route's stats.
void finish(GatewayContext& context, std::size_t index, const http::Request& request,
            const RateLimitHeaders& limits, std::chrono::steady_clock::time_point started,
            http::Response& response) {
  limits.apply(response);
  context.cors.decorate(request, response);
  context.traffic.record(
      index, response.status,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
      request.request_id, request.trace_id);
}

// How a route's request is proxied.
ProxyOptions proxy_options(const GatewayContext& context, const GatewayRoute& route,
                           const http::Request& request) {
  ProxyOptions options;
  options.tls = context.tls;
  options.replay_safe = replay_allowed(route.replay, !request.header("idempotency-key").empty());
  return options;
}

// The upstream a proxied route names, or nullptr (the answer is then a 503).
Upstream* upstream_of(GatewayContext& context, const std::string& name) {
  auto found = context.upstreams.find(name);
  return found == context.upstreams.end() ? nullptr : found->second;
}

// The upstream to ask after `response` from the route's own: its fallback on a 404.
Upstream* fallback_for(GatewayContext& context, const GatewayRoute& route,
                       const http::Response& response) {
  if (response.status != 404 || route.fallback_upstream.empty()) return nullptr;
  return upstream_of(context, route.fallback_upstream);
}

// The answer that waits: `upstream`'s (proxied), or the ops status when nullptr. Not a
// coroutine: it hands back the callee's own awaitable, so handle awaits every such answer
// at one place.
asio::awaitable<http::Response> wait_for_answer(GatewayContext& context, http::Request& request,
                                                Upstream* upstream, const ProxyOptions& options) {
  if (upstream != nullptr) return forward(*upstream, request, context.metrics, options);
  return context.ops.answer(request);
}

// One answer variable, one exit and two co_await expressions: every `auto response` of a
// branch, every co_return's temporary and every co_await's result was frame space of its
// own (1,424 bytes in the Release build, then 1,168 with five co_awaits: past the 1,020
// bytes of Asio's frame cache, a malloc per request that also pushed the client call's
// frame out of the cache, issue 17 item 2).
asio::awaitable<http::Response> handle(GatewayContext& context, std::size_t index,
                                       http::Request& request) {
  auto started = std::chrono::steady_clock::now();
  const GatewayRoute& route = context.routes[index];
  RateLimitHeaders limits;
  std::optional<http::Response> answer;
  bool login_limited =
      route.rate_class == RateClass::kLogin || route.rate_class == RateClass::kRefresh;
  bool refresh_keys = false;
  if (!is_canonical_path(request.path)) answer = error(request, CommonError::kNotFound);
  if (!answer && !login_limited) answer = check_client(context, route, request, limits, refresh_keys);
  if (!answer && (login_limited || refresh_keys))
    answer = co_await check_slowly(context, route, request, limits, login_limited, refresh_keys);
  if (!answer && route.target != Target::kUpstream && route.target != Target::kOpsStatus)
    answer = local_answer(context, route, request);
  Upstream* upstream = nullptr;
  if (!answer && route.target == Target::kUpstream) {
    upstream = upstream_of(context, route.upstream);
    if (upstream == nullptr) answer = error(request, CommonError::kServiceUnavailable);
  }
  ProxyOptions options;
  if (!answer && upstream != nullptr) options = proxy_options(context, route, request);
  // The route's upstream, then its fallback after a 404 (once); or the ops status.
  bool first = true;
  while (!answer) {
    answer = co_await wait_for_answer(context, request, upstream, options);
    auto* fallback = first && upstream != nullptr ? fallback_for(context, route, *answer) : nullptr;
    first = false;
    if (fallback != nullptr) {
      upstream = fallback;
      answer.reset();
    }
  }
  finish(context, index, request, limits, started, *answer);
  co_return std::move(*answer);
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
