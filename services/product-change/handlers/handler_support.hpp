// What every product-change handler shares: the bearer check through the security
// library's verifier (401 UNAUTHORIZED / TOKEN_EXPIRED / TOKEN_REVOKED), the RequestInfo
// of a request, JSON body reading, and Outcome → HTTP response.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <optional>

#include "http/request.hpp"
#include "http/response.hpp"
#include "product_service.hpp"
#include "security/token_verifier.hpp"

namespace phonebill::product {

// The verified bearer token, or the 401 failure. Never logs the token.
boost::asio::awaitable<Outcome<security::VerifiedToken>> authenticate(
    http::Request& request, security::TokenVerifier& verifier);

RequestInfo request_info(const http::Request& request);

// The body as a JSON object (an empty body is an empty object), or INVALID_JSON /
// VALIDATION_ERROR.
Outcome<boost::json::object> json_body(const http::Request& request);

http::Response respond(const http::Request& request, const Outcome<Answer>& outcome);

}  // namespace phonebill::product
