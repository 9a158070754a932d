// ADMIN-only user management (SPEC §3): POST /api/v1/admin/users (201; 409 for a taken
// userId), PUT /api/v1/admin/users/{id}/permissions {permissions[]} (ends the user's
// sessions so no token keeps the old set), POST /api/v1/admin/users/{id}/unlock.
// The ADMIN check reads the verified token's perms.
#include "auth_requests.hpp"
#include "auth_views.hpp"
#include "handler_support.hpp"
#include "routes.hpp"

namespace phonebill::auth {
namespace {

// The caller if it is an admin, else the 401/403 answer.
boost::asio::awaitable<Outcome<security::VerifiedToken>> admin_caller(http::Request& request,
                                                                      AuthContext& context) {
  auto caller = co_await authenticate(request, context.verifier);
  if (!caller) co_return caller.error();
  if (auto allowed = require_admin(*caller, request); !allowed) co_return allowed.error();
  co_return std::move(*caller);
}

boost::asio::awaitable<http::Response> create_user(http::Request& request, AuthContext& context) {
  auto caller = co_await admin_caller(request, context);
  if (!caller) co_return http::respond(request, caller.error());
  auto body = read_json_body(request);
  if (!body) co_return http::respond(request, body.error());
  FieldErrors errors;
  auto user_request = parse_create_user_request(*body, errors);
  if (!user_request) co_return validation_failure(request, errors);
  auto user =
      co_await context.service.create_user(std::move(*user_request), http::request_info(request));
  if (!user) co_return respond_refused(request, user.error());
  auto response =
      private_success(user_view(*user, context.service.now()), 201, "사용자가 등록되었습니다");
  response.set_header("Location", "/api/v1/admin/users/" + user->user_id);
  co_return response;
}

boost::asio::awaitable<http::Response> set_permissions(http::Request& request,
                                                       AuthContext& context) {
  auto caller = co_await admin_caller(request, context);
  if (!caller) co_return http::respond(request, caller.error());
  FieldErrors errors;
  auto user_id = parse_user_id_parameter(request.path_parameter("id"), errors);
  std::optional<PermissionsRequest> permissions;
  auto body = read_json_body(request);
  if (!body) co_return http::respond(request, body.error());
  permissions = parse_permissions_request(*body, errors);
  if (!user_id || !permissions) co_return validation_failure(request, errors);
  auto user = co_await context.service.set_permissions(
      std::move(*user_id), std::move(permissions->permissions), http::request_info(request));
  if (!user) co_return respond_refused(request, user.error());
  co_return private_success(user_view(*user, context.service.now()), 200, "권한이 변경되었습니다");
}

boost::asio::awaitable<http::Response> unlock(http::Request& request, AuthContext& context) {
  auto caller = co_await admin_caller(request, context);
  if (!caller) co_return http::respond(request, caller.error());
  FieldErrors errors;
  auto user_id = parse_user_id_parameter(request.path_parameter("id"), errors);
  if (!user_id) co_return validation_failure(request, errors);
  auto user = co_await context.service.unlock(std::move(*user_id), http::request_info(request));
  if (!user) co_return respond_refused(request, user.error());
  co_return private_success(user_view(*user, context.service.now()), 200,
                            "계정 잠금이 해제되었습니다");
}

}  // namespace

void add_admin_user_routes(http::Router& router, AuthContext& context) {
  router.add("POST", "/api/v1/admin/users",
             [&context](http::Request& request) { return create_user(request, context); });
  router.add("PUT", "/api/v1/admin/users/{id}/permissions",
             [&context](http::Request& request) { return set_permissions(request, context); });
  router.add("POST", "/api/v1/admin/users/{id}/unlock",
             [&context](http::Request& request) { return unlock(request, context); });
}

}  // namespace phonebill::auth
