// GET /api/v1/auth/permissions (bearer): every permission with its description and
// whether the caller holds it. POST /api/v1/auth/permissions/check {serviceType} →
// {serviceType, hasPermission}; every check is written to the permission-check log.
#include "auth_requests.hpp"
#include "auth_views.hpp"
#include "handler_support.hpp"
#include "routes.hpp"

namespace phonebill::auth {
namespace {

boost::asio::awaitable<http::Response> list_permissions(http::Request& request,
                                                        AuthContext& context) {
  auto caller = co_await authenticate(request, context.verifier);
  if (!caller) co_return http::respond(request, caller.error());
  auto user = co_await context.service.find_user(caller->user_id, request.deadline);
  if (!user) co_return respond_refused(request, user.error());
  co_return private_success(permissions_view(user->permissions));
}

boost::asio::awaitable<http::Response> check_permission(http::Request& request,
                                                        AuthContext& context) {
  auto caller = co_await authenticate(request, context.verifier);
  if (!caller) co_return http::respond(request, caller.error());
  auto body = read_json_body(request);
  if (!body) co_return http::respond(request, body.error());
  FieldErrors errors;
  auto check = parse_permission_check_request(*body, errors);
  if (!check) co_return validation_failure(request, errors);
  auto granted = co_await context.service.check_permission(caller_of(*caller), check->service_type,
                                                           http::request_info(request));
  if (!granted) co_return respond_refused(request, granted.error());
  co_return private_success(
      boost::json::object{{"serviceType", check->service_type}, {"hasPermission", *granted}});
}

}  // namespace

void add_permission_routes(http::Router& router, AuthContext& context) {
  router.add("GET", "/api/v1/auth/permissions",
             [&context](http::Request& request) { return list_permissions(request, context); });
  router.add("POST", "/api/v1/auth/permissions/check",
             [&context](http::Request& request) { return check_permission(request, context); });
}

}  // namespace phonebill::auth
