// The one table from AuthStatus to auth's SPEC §3 answers (and the lockout details of a
// refused login). The domain never sees these: see auth_answers.hpp.
#include "auth_answers.hpp"

#include <boost/json/object.hpp>

#include "core/seoul_time.hpp"
#include "http/refusal.hpp"

namespace phonebill::auth {

http::ApiError auth_answer(AuthStatus status) {
  switch (status) {
    case AuthStatus::kInvalidCredentials:
      return {401, "AUTH_001", "ID 또는 비밀번호를 확인해주세요", nullptr};
    case AuthStatus::kAccountLockedNow:
      return {423, "AUTH_002", "5회 연속 실패하여 30분간 계정이 잠금되었습니다", nullptr};
    case AuthStatus::kAccountLocked:
      return {423, "AUTH_003", "계정이 잠금되었습니다. 잠금 해제 후 다시 시도해주세요", nullptr};
    case AuthStatus::kInvalidRefreshToken:
      return {401, "UNAUTHORIZED", "로그인이 필요합니다", nullptr};
    case AuthStatus::kRefreshTokenReused:
      return {401, "REFRESH_TOKEN_REUSED", "보안을 위해 세션이 종료되었습니다. 다시 로그인해주세요",
              nullptr};
    case AuthStatus::kSessionRevoked:
      return {401, "TOKEN_REVOKED", "로그아웃된 세션입니다. 다시 로그인해주세요", nullptr};
    case AuthStatus::kSessionExpired:
      return {401, "TOKEN_EXPIRED", "로그인 시간이 만료되었습니다. 다시 로그인해주세요", nullptr};
    case AuthStatus::kUserAlreadyExists:
      return {409, "USER_ALREADY_EXISTS", "이미 사용 중인 아이디입니다", nullptr};
    case AuthStatus::kUserNotFound:
      return {404, "USER_NOT_FOUND", "사용자를 찾을 수 없습니다", nullptr};
    case AuthStatus::kStorageUnavailable:
    case AuthStatus::kHasherBusy:
      return http::common_error(http::CommonError::kServiceUnavailable);
    case AuthStatus::kInternal:
      break;
  }
  return http::common_error(http::CommonError::kInternalError);
}

http::ApiError login_refusal_answer(const LoginRefusal& refusal) {
  auto answer = http::refusal_error(refusal, auth_answer);
  switch (refusal.status) {
    case AuthStatus::kInvalidCredentials:
      answer.details = boost::json::object{{"remainingAttempts", refusal.remaining_attempts}};
      break;
    case AuthStatus::kAccountLockedNow:
      answer.details = boost::json::object{{"remainingAttempts", 0},
                                           {"lockedUntil", iso8601_seoul(*refusal.locked_until)}};
      break;
    case AuthStatus::kAccountLocked:
      answer.details = boost::json::object{{"lockedUntil", iso8601_seoul(*refusal.locked_until)}};
      break;
    default:
      break;
  }
  return answer;
}

}  // namespace phonebill::auth
