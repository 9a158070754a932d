// POST /api/v1/auth/refresh {refreshToken} → a new token pair (public). The presented
// token is rotated; presenting a rotated one again ends the session everywhere
// (401 REFRESH_TOKEN_REUSED).
#include "auth_requests.hpp"
#include "auth_views.hpp"
#include "handler_support.hpp"
#include "routes.hpp"

namespace phonebill::auth {
namespace {

boost::asio::awaitable<http::Response> refresh(http::Request& request, AuthContext& context) {
  auto body = read_json_body(request);
  if (!body) co_return http::respond(request, body.error());
  FieldErrors errors;
  auto refresh_request = parse_refresh_request(*body, errors);
  if (!refresh_request) co_return validation_failure(request, errors);
  auto tokens =
      co_await context.service.refresh(std::move(*refresh_request), http::request_info(request));
  if (!tokens) co_return respond_refused(request, tokens.error());
  co_return private_success(tokens_view(*tokens, context.service.now()));
}

}  // namespace

void add_refresh_routes(http::Router& router, AuthContext& context) {
  router.add("POST", "/api/v1/auth/refresh",
             [&context](http::Request& request) { return refresh(request, context); });
}

}  // namespace phonebill::auth
