// POST /api/v1/products/change/validation {lineNumber?, targetProductCode},
// POST /api/v1/products/change {lineNumber?, currentProductCode, targetProductCode} with an
// optional Idempotency-Key header, and GET /api/v1/products/change/{requestId}.
#include "core/json.hpp"
#include "handlers/handler_support.hpp"
#include "http/api_error.hpp"
#include "product_views.hpp"
#include "routes.hpp"

namespace phonebill::product {

boost::asio::awaitable<http::Response> handle_validation(ProductContext& context,
                                                         http::Request& request) {
  auto caller = co_await authenticate(request, context.verifier);
  if (!caller) co_return respond(request, caller.error());
  auto body = json_body(request);
  if (!body) co_return respond(request, body.error());
  FieldErrors errors;
  JsonReader reader{*body, errors};
  ValidationInput input;
  input.line_number = reader.string("lineNumber", Presence::kOptional);
  input.target_product_code = reader.string("targetProductCode", Presence::kRequired);
  if (!errors.empty()) co_return http::error_response(request, http::validation_error(errors));
  auto validation = co_await context.service.validate(std::move(*caller), std::move(input),
                                                      request_info(request));
  co_return respond(request, validation, validation_view);
}

boost::asio::awaitable<http::Response> handle_change(ProductContext& context,
                                                     http::Request& request) {
  auto caller = co_await authenticate(request, context.verifier);
  if (!caller) co_return respond(request, caller.error());
  auto body = json_body(request);
  if (!body) co_return respond(request, body.error());
  FieldErrors errors;
  JsonReader reader{*body, errors};
  ChangeInput input;
  input.line_number = reader.string("lineNumber", Presence::kOptional);
  input.current_product_code = reader.string("currentProductCode", Presence::kRequired);
  input.target_product_code = reader.string("targetProductCode", Presence::kRequired);
  if (!errors.empty()) co_return http::error_response(request, http::validation_error(errors));
  auto key = request.header("idempotency-key");
  if (!key.empty()) input.idempotency_key = std::string{key};
  auto changed =
      co_await context.service.change(std::move(*caller), std::move(input), request_info(request));
  if (!changed) co_return respond_refusal(request, changed.error());
  co_return respond_change(request, *changed);
}

boost::asio::awaitable<http::Response> handle_change_lookup(ProductContext& context,
                                                            http::Request& request) {
  auto caller = co_await authenticate(request, context.verifier);
  if (!caller) co_return respond(request, caller.error());
  std::string request_id{request.path_parameter("requestId")};
  auto found = co_await context.service.find_change(std::move(*caller), std::move(request_id),
                                                    request_info(request));
  co_return respond(request, found, change_view);
}

}  // namespace phonebill::product
