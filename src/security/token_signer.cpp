// Access-token signing: JSON header and claims, base64url, ES256 (see token_signer.hpp).
#include "security/token_signer.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/json.hpp"
#include "security/encoding.hpp"
#include "security/jws.hpp"
#include "security/random_token.hpp"

namespace phonebill::security {

TokenSignerOptions TokenSignerOptions::from_environment(const Environment& environment) {
  TokenSignerOptions options;
  options.issuer = environment.string("PHONEBILL_TOKEN_ISSUER", options.issuer);
  options.audience = environment.string("PHONEBILL_TOKEN_AUDIENCE", options.audience);
  options.lifetime = std::chrono::seconds{environment.integer(
      "PHONEBILL_ACCESS_TOKEN_TTL_SECONDS", options.lifetime.count(), 60, 86'400)};
  return options;
}

TokenSigner::TokenSigner(const SigningKeyRing& keys, TokenSignerOptions options, const Clock& clock)
    : keys_(keys), options_(std::move(options)), clock_(clock) {}

SignedToken TokenSigner::sign(const AccessTokenClaims& claims) const {
  const auto& key = keys_.active();
  const auto issued_at = std::chrono::time_point_cast<std::chrono::seconds>(clock_.now());
  const auto expires_at = issued_at + options_.lifetime;
  std::string token_id = claims.token_id.empty() ? generate_token_id() : claims.token_id;

  boost::json::array permissions;
  for (const auto& permission : claims.permissions) permissions.emplace_back(permission);
  const boost::json::object header{{"alg", "ES256"}, {"typ", "JWT"}, {"kid", key.key_id()}};
  const boost::json::object payload{
      {"iss", options_.issuer},
      {"aud", options_.audience},
      {"sub", claims.user_id},
      {"jti", token_id},
      {"sid", claims.session_id},
      {"iat", issued_at.time_since_epoch().count()},
      {"exp",
       std::chrono::time_point_cast<std::chrono::seconds>(expires_at).time_since_epoch().count()},
      {"cid", claims.customer_id},
      {"line", claims.line_number},
      {"perms", std::move(permissions)}};

  std::string token = base64url_encode(to_json_text(header));
  token += '.';
  token += base64url_encode(to_json_text(payload));
  const auto signature = detail::es256_sign(key.native_handle(), token);
  token += '.';
  token += base64url_encode(signature);
  return SignedToken{std::move(token), std::move(token_id), issued_at, expires_at};
}

}  // namespace phonebill::security
