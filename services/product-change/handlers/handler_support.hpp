// What every product-change handler shares beyond src/http/outcome.hpp and
// src/security/request_authentication.hpp: the RequestInfo of a request, JSON body
// reading, and an Answer (200, or 202 while a change is pending) → HTTP response.
#pragma once
#include <boost/json/object.hpp>

#include "http/request.hpp"
#include "http/response.hpp"
#include "product_service.hpp"
#include "security/request_authentication.hpp"

namespace phonebill::product {

using security::authenticate;

RequestInfo request_info(const http::Request& request);

// The body as a JSON object (an empty body is an empty object), or INVALID_JSON /
// VALIDATION_ERROR.
Outcome<boost::json::object> json_body(const http::Request& request);

http::Response respond(const http::Request& request, const Outcome<Answer>& outcome);

}  // namespace phonebill::product
