// Shared handler helpers: see handler_support.hpp.
#include "handlers/handler_support.hpp"

#include "core/json.hpp"
#include "core/log.hpp"
#include "http/api_error.hpp"

namespace phonebill::product {

boost::asio::awaitable<Outcome<security::VerifiedToken>> authenticate(
    http::Request& request, security::TokenVerifier& verifier) {
  auto bearer = security::extract_bearer(request.header("authorization"));
  security::TokenResult verified = security::TokenStatus::kMissing;
  if (bearer) verified = co_await verifier.verify_or_refresh(std::string{*bearer});
  if (!verified) {
    log::info("token_rejected", {{"requestId", request.request_id},
                                 {"route", request.route},
                                 {"status", security::to_string(verified.error())}});
    co_return Failure{http::common_error(security::to_common_error(verified.error()))};
  }
  request.user_id = verified->user_id;
  co_return std::move(*verified);
}

RequestInfo request_info(const http::Request& request) {
  return RequestInfo{request.request_id, request.traceparent, request.trace_id, request.deadline};
}

Outcome<boost::json::object> json_body(const http::Request& request) {
  if (request.body.find_first_not_of(" \t\r\n") == std::string::npos) return boost::json::object{};
  auto body = parse_json(request.body);
  if (!body) return Failure{http::common_error(http::CommonError::kInvalidJson)};
  if (!body->is_object()) return Failure{http::validation_error("body", "must be a JSON object")};
  return std::move(body->as_object());
}

http::Response respond(const http::Request& request, const Outcome<Answer>& outcome) {
  if (!outcome) {
    auto response = http::error_response(request, outcome.error().error);
    const auto& details = outcome.error().error.details;
    if (details.is_object()) {
      if (auto* retry = details.as_object().if_contains("retryAfterSeconds"))
        response.set_header("Retry-After", std::to_string(retry->to_number<std::int64_t>()));
    }
    return response;
  }
  auto response = http::success_response(outcome->data, outcome->status);
  response.set_header("Cache-Control", "no-store");
  return response;
}

}  // namespace phonebill::product
