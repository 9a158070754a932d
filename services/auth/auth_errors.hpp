// auth's own error answers (SPEC §3), in one table: status, code and the Korean text
// users see. Common codes (VALIDATION_ERROR, UNAUTHORIZED, FORBIDDEN, ...) come from
// http::common_error. Entry point: auth_error(AuthError, details).
#pragma once
#include <boost/json/value.hpp>

#include "http/api_error.hpp"

namespace phonebill::auth {

enum class AuthError {
  kInvalidCredentials,   // 401 AUTH_001, details.remainingAttempts
  kAccountLockedNow,     // 423 AUTH_002, details.lockedUntil
  kAccountLocked,        // 423 AUTH_003, details.lockedUntil
  kInvalidRefreshToken,  // 401 UNAUTHORIZED: unknown refresh token
  kRefreshTokenReused,   // 401 REFRESH_TOKEN_REUSED
  kSessionRevoked,       // 401 TOKEN_REVOKED: refresh of an ended session
  kSessionExpired,       // 401 TOKEN_EXPIRED: refresh after idle or absolute end
  kUserAlreadyExists,    // 409 USER_ALREADY_EXISTS
  kUserNotFound,         // 404 USER_NOT_FOUND
};

http::ApiError auth_error(AuthError error, boost::json::value details = nullptr);

}  // namespace phonebill::auth
