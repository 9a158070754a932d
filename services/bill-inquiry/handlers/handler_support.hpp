// What every bill-inquiry handler shares: the bearer check through the security
// library's verifier (401 UNAUTHORIZED / TOKEN_EXPIRED / TOKEN_REVOKED, as in auth and
// the gateway), the RequestInfo of a request, and Outcome → HTTP response.
#pragma once
#include <boost/asio/awaitable.hpp>

#include "bill_service.hpp"
#include "http/request.hpp"
#include "http/response.hpp"
#include "security/token_verifier.hpp"

namespace phonebill::bill {

// The verified bearer token, or the 401 failure. Never logs the token.
boost::asio::awaitable<Outcome<security::VerifiedToken>> authenticate(
    http::Request& request, security::TokenVerifier& verifier);

RequestInfo request_info(const http::Request& request);

http::Response respond(const http::Request& request, const Outcome<boost::json::object>& outcome);

}  // namespace phonebill::bill
