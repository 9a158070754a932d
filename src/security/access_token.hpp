// What an access token says (SPEC §3) and every way checking one can fail. Shared by
// TokenSigner (auth), TokenVerifier (gateway, services) and the HTTP edge, which maps a
// TokenStatus to 401 UNAUTHORIZED / TOKEN_EXPIRED / TOKEN_REVOKED in one place
// (to_common_error). Entry points: AccessTokenClaims, VerifiedToken, TokenStatus.
#pragma once
#include <boost/system/result.hpp>

#include <chrono>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "http/api_error.hpp"

namespace phonebill::security {

// Defaults of `iss` and `aud`; configurable (PHONEBILL_TOKEN_ISSUER / _AUDIENCE).
inline constexpr std::string_view kDefaultIssuer = "phonebill-auth";
inline constexpr std::string_view kDefaultAudience = "phonebill";
// SPEC §3: access tokens live 30 minutes.
inline constexpr std::chrono::seconds kDefaultAccessTokenLifetime{30 * 60};

// The claims auth puts into a new access token (besides iss, aud, iat, exp).
struct AccessTokenClaims {
  std::string user_id;                   // sub
  std::string session_id;                // sid
  std::string token_id;                  // jti; empty: TokenSigner generates one
  std::string customer_id;               // cid
  std::string line_number;               // line, canonical 11 digits
  std::vector<std::string> permissions;  // perms: BILL_INQUIRY, PRODUCT_CHANGE, ADMIN
};

// A token whose signature, issuer, audience, lifetime and claim types were checked and
// which was not revoked when checked.
struct VerifiedToken {
  std::string user_id;                   // sub
  std::string session_id;                // sid
  std::string token_id;                  // jti
  std::string customer_id;               // cid
  std::string line_number;               // line
  std::vector<std::string> permissions;  // perms
  SystemTime issued_at;                  // iat
  SystemTime expires_at;                 // exp
  std::string key_id;                    // kid of the key that signed it

  bool has_permission(std::string_view permission) const;
  bool operator==(const VerifiedToken&) const = default;
};

// Why a token was not accepted. Order follows the checks in TokenVerifier::verify.
enum class TokenStatus {
  kMissing,               // no Authorization header, or not "Bearer <token>"
  kMalformed,             // not three base64url parts of JSON objects, or too long
  kUnsupportedAlgorithm,  // header alg is not exactly "ES256" (none, HS256, RS256, ...)
  kUnknownKey,            // no kid, or a kid that no known key has
  kBadSignature,          // the signature does not verify with that key
  kWrongIssuer,           // iss is not the configured issuer
  kWrongAudience,         // aud (string or array) does not contain the configured audience
  kInvalidClaims,         // a required claim is missing or has the wrong type
  kNotYetValid,           // iat (or nbf) is in the future beyond the leeway
  kExpired,               // exp is in the past beyond the leeway
  kRevoked,               // its jti or its session was revoked
};

using TokenResult = boost::system::result<VerifiedToken, TokenStatus>;

// Stable lower-case name for logs and metrics labels ("expired", "bad_signature", ...).
std::string_view to_string(TokenStatus status);
std::ostream& operator<<(std::ostream& stream, TokenStatus status);

// The SPEC §2 answer: kExpired → 401 TOKEN_EXPIRED, kRevoked → 401 TOKEN_REVOKED,
// everything else → 401 UNAUTHORIZED (the client learns no more than that).
http::CommonError to_common_error(TokenStatus status);

// Lets TokenResult::value() throw (std::runtime_error naming the status). Prefer
// has_value(); this exists so value() compiles for our error type.
[[noreturn]] void throw_exception_from_error(TokenStatus status,
                                             const boost::source_location& location);

}  // namespace phonebill::security
