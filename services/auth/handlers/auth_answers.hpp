// auth's edge table (SPEC §3): each AuthStatus to its HTTP status, SPEC code and the
// Korean text users see; common codes (SERVICE_UNAVAILABLE, INTERNAL_ERROR) come from
// http::common_error. A refused login adds its lockout details. Entry points:
// auth_answer, login_refusal_answer.
#pragma once
#include "auth_status.hpp"
#include "http/api_error.hpp"

namespace phonebill::auth {

// The answer for `status`, without details.
http::ApiError auth_answer(AuthStatus status);

// The answer for a refused login: details.remainingAttempts (AUTH_001, and 0 with
// AUTH_002) and details.lockedUntil (AUTH_002, AUTH_003), in Seoul time.
http::ApiError login_refusal_answer(const LoginRefusal& refusal);

}  // namespace phonebill::auth
