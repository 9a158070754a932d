// Signs access tokens in auth: a JWS compact serialisation, header {alg: "ES256",
// typ: "JWT", kid}, payload with the SPEC §3 claims, signature raw r||s (64 bytes) as
// RFC 7518 §3.4 requires. Entry point: TokenSigner::sign.
#pragma once
#include <chrono>
#include <string>

#include "core/clock.hpp"
#include "core/config.hpp"
#include "security/access_token.hpp"
#include "security/signing_keys.hpp"

namespace phonebill::security {

struct TokenSignerOptions {
  std::string issuer{kDefaultIssuer};
  std::string audience{kDefaultAudience};
  std::chrono::seconds lifetime = kDefaultAccessTokenLifetime;

  // PHONEBILL_TOKEN_ISSUER, PHONEBILL_TOKEN_AUDIENCE (shared with the verifiers) and
  // PHONEBILL_ACCESS_TOKEN_TTL_SECONDS (60 to 86400). Throws ConfigError.
  static TokenSignerOptions from_environment(const Environment& environment);
};

struct SignedToken {
  std::string token;      // the compact JWS: hand it to the client, never log it
  std::string token_id;   // jti (generated unless the claims named one)
  SystemTime issued_at;   // iat (whole seconds)
  SystemTime expires_at;  // exp = iat + lifetime
};

class TokenSigner {
 public:
  // `keys` and `clock` must outlive the signer; it signs with keys.active().
  TokenSigner(const SigningKeyRing& keys, TokenSignerOptions options, const Clock& clock);

  // A new access token for `claims`, issued now. Any thread. Throws std::runtime_error
  // only if OpenSSL fails to sign (out of memory).
  SignedToken sign(const AccessTokenClaims& claims) const;

  const TokenSignerOptions& options() const { return options_; }

 private:
  const SigningKeyRing& keys_;
  TokenSignerOptions options_;
  const Clock& clock_;
};

}  // namespace phonebill::security
