// POST /api/v1/auth/logout (bearer): ends the caller's session; its access token and
// refresh token stop working on every instance within a second.
#include "handler_support.hpp"
#include "routes.hpp"

namespace phonebill::auth {
namespace {

boost::asio::awaitable<http::Response> logout(http::Request& request, AuthContext& context) {
  auto caller = co_await authenticate(request, context.verifier);
  if (!caller) co_return http::respond(request, caller.error());
  auto ended = co_await context.service.logout(caller_of(*caller), http::request_info(request));
  if (!ended) co_return respond_refused(request, ended.error());
  co_return private_success(boost::json::object{}, 200, "로그아웃되었습니다");
}

}  // namespace

void add_logout_routes(http::Router& router, AuthContext& context) {
  router.add("POST", "/api/v1/auth/logout",
             [&context](http::Request& request) { return logout(request, context); });
}

}  // namespace phonebill::auth
