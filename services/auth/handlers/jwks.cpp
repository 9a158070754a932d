// GET /api/v1/auth/jwks (public): the public keys that verify our access tokens, as a
// plain RFC 7517 document {"keys": [...]} (no SPEC §2 envelope: JWKS clients expect
// this shape; parse_jwks accepts both). The active key first, then rotated-out ones.
#include "http/response.hpp"
#include "routes.hpp"

namespace phonebill::auth {
namespace {

boost::asio::awaitable<http::Response> jwks(http::Request&, AuthContext& context) {
  auto response = http::json_response(context.keys.jwks());
  response.content_type = "application/jwk-set+json";
  response.set_header("Cache-Control", "public, max-age=300");
  co_return response;
}

}  // namespace

void add_jwks_routes(http::Router& router, AuthContext& context) {
  router.add("GET", "/api/v1/auth/jwks",
             [&context](http::Request& request) { return jwks(request, context); });
}

}  // namespace phonebill::auth
