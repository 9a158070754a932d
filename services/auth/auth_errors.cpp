#include "auth_errors.hpp"

namespace phonebill::auth {
namespace {

struct Entry {
  int status;
  const char* code;
  const char* message;
};

Entry entry(AuthError error) {
  switch (error) {
    case AuthError::kInvalidCredentials:
      return {401, "AUTH_001", "ID 또는 비밀번호를 확인해주세요"};
    case AuthError::kAccountLockedNow:
      return {423, "AUTH_002", "5회 연속 실패하여 30분간 계정이 잠금되었습니다"};
    case AuthError::kAccountLocked:
      return {423, "AUTH_003", "계정이 잠금되었습니다. 잠금 해제 후 다시 시도해주세요"};
    case AuthError::kInvalidRefreshToken:
      return {401, "UNAUTHORIZED", "로그인이 필요합니다"};
    case AuthError::kRefreshTokenReused:
      return {401, "REFRESH_TOKEN_REUSED",
              "보안을 위해 세션이 종료되었습니다. 다시 로그인해주세요"};
    case AuthError::kSessionRevoked:
      return {401, "TOKEN_REVOKED", "로그아웃된 세션입니다. 다시 로그인해주세요"};
    case AuthError::kSessionExpired:
      return {401, "TOKEN_EXPIRED", "로그인 시간이 만료되었습니다. 다시 로그인해주세요"};
    case AuthError::kUserAlreadyExists:
      return {409, "USER_ALREADY_EXISTS", "이미 사용 중인 아이디입니다"};
    case AuthError::kUserNotFound:
      return {404, "USER_NOT_FOUND", "사용자를 찾을 수 없습니다"};
  }
  return {500, "INTERNAL_ERROR", "일시적인 오류가 발생했습니다"};
}

}  // namespace

http::ApiError auth_error(AuthError error, boost::json::value details) {
  auto found = entry(error);
  return http::ApiError{found.status, found.code, found.message, std::move(details)};
}

}  // namespace phonebill::auth
