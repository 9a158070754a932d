// What every auth handler shares: the JSON body (INVALID_JSON when malformed), the
// bearer check through the security library's verifier (401 UNAUTHORIZED /
// TOKEN_EXPIRED / TOKEN_REVOKED), the ADMIN check (403 FORBIDDEN), the caller's
// address for the login history, and Failure → error response.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>

#include "auth_service.hpp"
#include "http/request.hpp"
#include "http/response.hpp"
#include "security/token_verifier.hpp"

namespace phonebill::auth {

// The request body as JSON; INVALID_JSON for an empty or malformed body.
Outcome<boost::json::value> read_json_body(const http::Request& request);

// The verified bearer token of the request, or the 401 answer. Never logs the token.
boost::asio::awaitable<Outcome<security::VerifiedToken>> authenticate(
    const http::Request& request, security::TokenVerifier& verifier);

// 403 FORBIDDEN unless the token carries ADMIN.
Outcome<void> require_admin(const security::VerifiedToken& token, const http::Request& request);

// The caller's address: the last X-Forwarded-For entry (the one the gateway appended)
// when it is an IP address, else the peer address.
std::string client_ip(const http::Request& request);
// Address, User-Agent (at most 512 bytes) and request id.
ClientInfo client_info(const http::Request& request);

http::Response failure_response(const http::Request& request, const Failure& failure);
http::Response validation_failure(const http::Request& request, const FieldErrors& errors);
// A success answer that must not be cached anywhere (tokens, account data).
http::Response private_success(const boost::json::value& data, int status = 200,
                               std::string_view message = {});

}  // namespace phonebill::auth
