#include "http/outcome.hpp"

#include <stdexcept>

namespace phonebill::http {

void throw_exception_from_error(const Failure& failure, const boost::source_location&) {
  throw std::logic_error("value() of a failed Outcome: " + failure.error.code);
}

Response respond(const Request& request, const Failure& failure) {
  auto response = error_response(request, failure.error);
  const auto& details = failure.error.details;
  if (details.is_object()) {
    if (auto* retry = details.as_object().if_contains("retryAfterSeconds"); retry && retry->is_number())
      response.set_header("Retry-After", std::to_string(retry->to_number<std::int64_t>()));
  }
  response.set_header("Cache-Control", "no-store");
  return response;
}

Response respond(const Request& request, const Outcome<boost::json::object>& outcome, int status) {
  if (!outcome) return respond(request, outcome.error());
  auto response = success_response(*outcome, status);
  response.set_header("Cache-Control", "no-store");
  return response;
}

}  // namespace phonebill::http
