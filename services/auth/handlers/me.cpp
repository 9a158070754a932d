// GET /api/v1/auth/me (bearer): {userId, userName, customerId, lineNumber, status,
// lastLoginAt, permissions[]} of the caller, from the database (not the token).
#include "auth_views.hpp"
#include "handler_support.hpp"
#include "routes.hpp"

namespace phonebill::auth {
namespace {

boost::asio::awaitable<http::Response> me(http::Request& request, AuthContext& context) {
  auto caller = co_await authenticate(request, context.verifier);
  if (!caller) co_return http::respond(request, caller.error());
  auto user = co_await context.service.find_user(caller->user_id, request.deadline);
  if (!user) co_return respond_refused(request, user.error());
  co_return private_success(user_view(*user, context.service.now()));
}

}  // namespace

void add_me_routes(http::Router& router, AuthContext& context) {
  router.add("GET", "/api/v1/auth/me",
             [&context](http::Request& request) { return me(request, context); });
}

}  // namespace phonebill::auth
