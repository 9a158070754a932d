// Shared handler helpers (JSON body): see handler_support.hpp.
#include "handlers/handler_support.hpp"

#include "http/json_body.hpp"
#include "http/refusal.hpp"

#include "core/json.hpp"
#include "http/api_error.hpp"

namespace phonebill::product {

http::Outcome<boost::json::object> json_body(const http::Request& request) {
  auto body = http::read_json_object(request);
  if (!body) return http::Failure{http::refusal_error(body.error(), http::body_answer)};
  return std::move(*body);
}

}  // namespace phonebill::product
