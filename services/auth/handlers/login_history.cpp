// GET /api/v1/auth/login-history?page&size (bearer): the caller's own login attempts,
// newest first. GET /api/v1/admin/users/{id}/login-history (ADMIN): anyone's.
#include "auth_requests.hpp"
#include "auth_views.hpp"
#include "handler_support.hpp"
#include "routes.hpp"

namespace phonebill::auth {
namespace {

boost::asio::awaitable<http::Response> history_of(http::Request& request, AuthContext& context,
                                                  std::string user_id) {
  FieldErrors errors;
  auto page = http::parse_page_request(request.query_parameter("page"),
                                       request.query_parameter("size"), errors);
  if (!errors.empty()) co_return validation_failure(request, errors);
  auto listed = co_await context.service.login_history(std::move(user_id), page.number, page.size,
                                                       request.deadline);
  if (!listed) co_return respond_refused(request, listed.error());
  co_return private_success(history_view(*listed, page));
}

boost::asio::awaitable<http::Response> own_history(http::Request& request, AuthContext& context) {
  auto caller = co_await authenticate(request, context.verifier);
  if (!caller) co_return http::respond(request, caller.error());
  co_return co_await history_of(request, context, caller->user_id);
}

boost::asio::awaitable<http::Response> user_history(http::Request& request, AuthContext& context) {
  auto caller = co_await authenticate(request, context.verifier);
  if (!caller) co_return http::respond(request, caller.error());
  if (auto allowed = require_admin(*caller, request); !allowed)
    co_return http::respond(request, allowed.error());
  FieldErrors errors;
  auto user_id = parse_user_id_parameter(request.path_parameter("id"), errors);
  if (!user_id) co_return validation_failure(request, errors);
  co_return co_await history_of(request, context, std::move(*user_id));
}

}  // namespace

void add_login_history_routes(http::Router& router, AuthContext& context) {
  router.add("GET", "/api/v1/auth/login-history",
             [&context](http::Request& request) { return own_history(request, context); });
  router.add("GET", "/api/v1/admin/users/{id}/login-history",
             [&context](http::Request& request) { return user_history(request, context); });
}

}  // namespace phonebill::auth
