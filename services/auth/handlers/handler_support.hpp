// What every auth handler shares beyond src/http/refusal.hpp (a refusal → its answer),
// src/http/outcome.hpp (Failure → response) and
// src/security/request_authentication.hpp (the bearer check): the JSON body
// (INVALID_JSON when malformed), the ADMIN check (403 FORBIDDEN), the caller's address
// for the login history, and the no-store success answer.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>

#include "auth_answers.hpp"
#include "auth_service.hpp"
#include "http/outcome.hpp"
#include "http/refusal.hpp"
#include "http/request.hpp"
#include "http/request_info.hpp"
#include "http/response.hpp"
#include "security/request_authentication.hpp"

namespace phonebill::auth {

// Handler-level answers (bad body, no token, not an admin) are ready-made http Failures.
using http::Failure;
using http::Outcome;

// The SPEC §2 answer for a refused use case, from the one table (auth_answers.cpp).
inline http::Response respond_refused(const http::Request& request,
                                      const Refusal<AuthStatus>& refusal) {
  return http::respond_refusal(request, refusal, auth_answer);
}

// What the use cases need of a verified access token.
Caller caller_of(const security::VerifiedToken& token);

// The request body as JSON; INVALID_JSON for an empty or malformed body.
Outcome<boost::json::value> read_json_body(const http::Request& request);

using security::authenticate;

// 403 FORBIDDEN unless the token carries ADMIN.
Outcome<void> require_admin(const security::VerifiedToken& token, const http::Request& request);

// The caller's address: the last X-Forwarded-For entry (the one the gateway appended)
// when it is an IP address, else the peer address.
std::string client_ip(const http::Request& request);
// Address, User-Agent (at most 512 bytes) and request id.
ClientInfo client_info(const http::Request& request);

http::Response validation_failure(const http::Request& request, const FieldErrors& errors);
// A success answer that must not be cached anywhere (tokens, account data).
http::Response private_success(const boost::json::value& data, int status = 200,
                               std::string_view message = {});

}  // namespace phonebill::auth
