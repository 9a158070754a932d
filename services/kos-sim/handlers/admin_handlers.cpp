// GET / PUT / DELETE /admin/faults: kos-sim's fault-injection admin API (SPEC §8).
// Bodies are the plain settings object (no KOS envelope): the same shape is read by
// PUT and written by GET. Only loopback callers, or callers presenting
// KOS_SIM_ADMIN_TOKEN as a bearer token, may use it.
#include <openssl/crypto.h>

#include "handler_support.hpp"
#include "routes.hpp"

namespace phonebill::kos_sim {

namespace asio = boost::asio;

namespace {

bool is_loopback(std::string_view address) {
  return address.starts_with("127.") || address == "::1" || address.starts_with("::ffff:127.");
}

bool presents_token(const http::Request& request, const std::optional<std::string>& token) {
  if (!token) return false;
  auto header = request.header("authorization");
  std::string expected = "Bearer " + *token;
  return header.size() == expected.size() &&
         CRYPTO_memcmp(header.data(), expected.data(), expected.size()) == 0;
}

std::optional<http::Response> refuse_unless_admin(const http::Request& request,
                                                  const KosSimContext& context) {
  if (is_loopback(request.remote_address) || presents_token(request, context.admin_token))
    return std::nullopt;
  log::warn("admin_refused", {{"remote", request.remote_address}, {"route", request.route}});
  return http::json_response(
      boost::json::object{{"error", "FORBIDDEN"},
                          {"message", "admin API answers loopback callers or an admin token only"}},
      403);
}

asio::awaitable<http::Response> show_faults(http::Request& request, KosSimContext& context) {
  if (auto refused = refuse_unless_admin(request, context)) co_return *refused;
  co_return http::json_response(to_json(context.faults.current()));
}

asio::awaitable<http::Response> replace_faults(http::Request& request, KosSimContext& context) {
  if (auto refused = refuse_unless_admin(request, context)) co_return *refused;
  FieldErrors errors;
  std::optional<FaultSettings> settings;
  if (auto body = parse_body(request, errors)) settings = parse_fault_settings(*body, errors);
  if (!settings)
    co_return http::json_response(
        boost::json::object{{"error", "INVALID_FAULTS"}, {"errors", errors.to_json()}}, 400);
  context.faults.replace(*settings);
  co_return http::json_response(to_json(context.faults.current()));
}

asio::awaitable<http::Response> reset_faults(http::Request& request, KosSimContext& context) {
  if (auto refused = refuse_unless_admin(request, context)) co_return *refused;
  context.faults.reset();
  co_return http::json_response(to_json(context.faults.current()));
}

}  // namespace

void add_admin_routes(http::Router& router, KosSimContext& context) {
  router.add("GET", "/admin/faults",
             [&context](http::Request& request) { return show_faults(request, context); });
  router.add("PUT", "/admin/faults",
             [&context](http::Request& request) { return replace_faults(request, context); });
  router.add("DELETE", "/admin/faults",
             [&context](http::Request& request) { return reset_faults(request, context); });
}

}  // namespace phonebill::kos_sim
