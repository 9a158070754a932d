// POST /api/v1/auth/login {userId, password, autoLogin} → a token pair and the user
// (public). Wrong password and unknown id answer alike: 401 AUTH_001 with
// details.remainingAttempts; the locking failure 423 AUTH_002; while locked 423 AUTH_003.
#include "auth_requests.hpp"
#include "auth_views.hpp"
#include "handler_support.hpp"
#include "routes.hpp"

namespace phonebill::auth {
namespace {

boost::asio::awaitable<http::Response> login(http::Request& request, AuthContext& context) {
  auto body = read_json_body(request);
  if (!body) co_return http::respond(request, body.error());
  FieldErrors errors;
  auto login_request = parse_login_request(*body, errors);
  if (!login_request) co_return validation_failure(request, errors);
  auto result = co_await context.service.login(std::move(*login_request), client_info(request),
                                               request.deadline);
  if (!result) co_return http::respond(request, Failure{login_refusal_answer(result.error())});
  co_return private_success(login_view(*result, context.service.now()), 200, "로그인되었습니다");
}

}  // namespace

void add_login_routes(http::Router& router, AuthContext& context) {
  router.add("POST", "/api/v1/auth/login",
             [&context](http::Request& request) { return login(request, context); });
}

}  // namespace phonebill::auth
