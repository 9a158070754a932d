// The bearer check every service's handlers make (the gateway checked too; services do
// not trust it blindly): the Authorization header's token through the verifier, 401
// UNAUTHORIZED / TOKEN_EXPIRED / TOKEN_REVOKED otherwise. Never logs the token.
// Entry point: authenticate.
#pragma once
#include <boost/asio/awaitable.hpp>

#include "http/outcome.hpp"
#include "http/request.hpp"
#include "security/access_token.hpp"
#include "security/token_verifier.hpp"

namespace phonebill::security {

// The verified token of `request`; also records the caller in request.user_id for the
// access log.
boost::asio::awaitable<http::Outcome<VerifiedToken>> authenticate(http::Request& request,
                                                                  TokenVerifier& verifier);

}  // namespace phonebill::security
