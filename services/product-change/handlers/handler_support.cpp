// Shared handler helpers (request info, JSON body): see handler_support.hpp.
#include "handlers/handler_support.hpp"

#include "core/json.hpp"
#include "http/api_error.hpp"

namespace phonebill::product {

RequestInfo request_info(const http::Request& request) {
  return RequestInfo{request.request_id, request.traceparent, request.trace_id, request.deadline};
}

http::Outcome<boost::json::object> json_body(const http::Request& request) {
  if (request.body.find_first_not_of(" \t\r\n") == std::string::npos) return boost::json::object{};
  auto body = parse_json(request.body);
  if (!body) return http::Failure{http::common_error(http::CommonError::kInvalidJson)};
  if (!body->is_object())
    return http::Failure{http::validation_error("body", "must be a JSON object")};
  return std::move(body->as_object());
}

}  // namespace phonebill::product
