// Token status names and their SPEC §2 mapping (see access_token.hpp).
#include "security/access_token.hpp"

#include <algorithm>
#include <ostream>
#include <stdexcept>

namespace phonebill::security {

bool VerifiedToken::has_permission(std::string_view permission) const {
  return std::find(permissions.begin(), permissions.end(), permission) != permissions.end();
}

std::string_view to_string(TokenStatus status) {
  switch (status) {
    case TokenStatus::kMissing:
      return "missing";
    case TokenStatus::kMalformed:
      return "malformed";
    case TokenStatus::kUnsupportedAlgorithm:
      return "unsupported_algorithm";
    case TokenStatus::kUnknownKey:
      return "unknown_key";
    case TokenStatus::kBadSignature:
      return "bad_signature";
    case TokenStatus::kWrongIssuer:
      return "wrong_issuer";
    case TokenStatus::kWrongAudience:
      return "wrong_audience";
    case TokenStatus::kInvalidClaims:
      return "invalid_claims";
    case TokenStatus::kNotYetValid:
      return "not_yet_valid";
    case TokenStatus::kExpired:
      return "expired";
    case TokenStatus::kRevoked:
      return "revoked";
  }
  return "unknown";
}

std::ostream& operator<<(std::ostream& stream, TokenStatus status) {
  return stream << to_string(status);
}

http::CommonError to_common_error(TokenStatus status) {
  switch (status) {
    case TokenStatus::kExpired:
      return http::CommonError::kTokenExpired;
    case TokenStatus::kRevoked:
      return http::CommonError::kTokenRevoked;
    default:
      return http::CommonError::kUnauthorized;
  }
}

void throw_exception_from_error(TokenStatus status, const boost::source_location&) {
  throw std::runtime_error("token rejected: " + std::string{to_string(status)});
}

}  // namespace phonebill::security
