// What every product-change handler shares beyond src/http and
// src/security/request_authentication.hpp: JSON body reading, and a domain Result rendered (a value
// by its view, a refusal by the table in product_answers.hpp).
#pragma once
#include <boost/json/object.hpp>

#include "handlers/product_answers.hpp"
#include "http/outcome.hpp"
#include "http/request.hpp"
#include "http/request_info.hpp"
#include "http/response.hpp"
#include "product_service.hpp"
#include "security/request_authentication.hpp"

namespace phonebill::product {

using http::request_info;
using security::authenticate;

// The body as a JSON object (an empty body is an empty object), or INVALID_JSON /
// VALIDATION_ERROR.
http::Outcome<boost::json::object> json_body(const http::Request& request);

// 200 with view(value), or the refusal's error envelope.
template <typename T, typename View>
http::Response respond(const http::Request& request, const Result<T, ProductStatus>& result,
                       View view) {
  if (!result) return respond_refusal(request, result.error());
  return http::respond(request, view(*result));
}

}  // namespace phonebill::product
