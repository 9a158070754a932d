// Why an auth use case said no (SPEC §3), in domain words: the area's one status enum,
// carried by Result<T, AuthStatus> (core/result.hpp). handlers/auth_answers.cpp is the one
// table from a status to its HTTP status, SPEC code and Korean text.
// Entry points: AuthStatus, AuthResult, LoginRefusal, LoginOutcome, to_string.
#pragma once
#include <boost/system/result.hpp>

#include <optional>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace phonebill::auth {

enum class AuthStatus {
  kInvalidCredentials,   // wrong password or unknown id (the same answer for both)
  kAccountLockedNow,     // this failure reached the limit and locked the account
  kAccountLocked,        // refused unchecked while the account is locked
  kInvalidRefreshToken,  // no such refresh token
  kRefreshTokenReused,   // a rotated refresh token again: the session was ended
  kSessionRevoked,       // refresh of an ended session (logout, reuse, permission change)
  kSessionExpired,       // refresh after the idle or absolute end
  kUserAlreadyExists,    // create with a taken id
  kUserNotFound,         // no such user
  kStorageUnavailable,   // the database is unreachable or too slow: worth retrying
  kHasherBusy,           // the password workers are full or stopping: worth retrying
  kInternal,             // a broken part or a bug (the detail is in the log)
};

// The status's name for logs ("kStorageUnavailable" → "storage_unavailable").
std::string_view to_string(AuthStatus status);

template <typename T>
using AuthResult = Result<T, AuthStatus>;

// A refused login also says where the lockout stands (SPEC §3 details).
struct LoginRefusal : Refusal<AuthStatus> {
  int remaining_attempts = 0;              // kInvalidCredentials: tries left before the lock
  std::optional<SystemTime> locked_until;  // kAccountLockedNow, kAccountLocked
};

template <typename T>
using LoginOutcome = boost::system::result<T, LoginRefusal>;

}  // namespace phonebill::auth
