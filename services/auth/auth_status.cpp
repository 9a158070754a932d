// AuthStatus names for logs.
#include "auth_status.hpp"

namespace phonebill::auth {

std::string_view to_string(AuthStatus status) {
  switch (status) {
    case AuthStatus::kInvalidCredentials:
      return "invalid_credentials";
    case AuthStatus::kAccountLockedNow:
      return "account_locked_now";
    case AuthStatus::kAccountLocked:
      return "account_locked";
    case AuthStatus::kInvalidRefreshToken:
      return "invalid_refresh_token";
    case AuthStatus::kRefreshTokenReused:
      return "refresh_token_reused";
    case AuthStatus::kSessionRevoked:
      return "session_revoked";
    case AuthStatus::kSessionExpired:
      return "session_expired";
    case AuthStatus::kUserAlreadyExists:
      return "user_already_exists";
    case AuthStatus::kUserNotFound:
      return "user_not_found";
    case AuthStatus::kStorageUnavailable:
      return "storage_unavailable";
    case AuthStatus::kHasherBusy:
      return "hasher_busy";
    case AuthStatus::kInternal:
      return "internal";
  }
  return "internal";
}

}  // namespace phonebill::auth
