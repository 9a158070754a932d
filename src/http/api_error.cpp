// The common SPEC §2 error table and the error envelope renderer.
#include "http/api_error.hpp"

#include <boost/json/object.hpp>

#include "core/seoul_time.hpp"

namespace phonebill::http {
namespace {

struct CommonErrorEntry {
  int status;
  const char* code;
  const char* message;
};

CommonErrorEntry entry(CommonError error) {
  switch (error) {
    case CommonError::kValidationError:
      return {400, "VALIDATION_ERROR", "입력값을 확인해주세요"};
    case CommonError::kInvalidJson:
      return {400, "INVALID_JSON", "요청 형식이 올바르지 않습니다"};
    case CommonError::kPayloadTooLarge:
      return {413, "PAYLOAD_TOO_LARGE", "요청 본문이 너무 큽니다"};
    case CommonError::kHeadersTooLarge:
      return {431, "HEADERS_TOO_LARGE", "요청 헤더가 너무 큽니다"};
    case CommonError::kUnauthorized:
      return {401, "UNAUTHORIZED", "로그인이 필요합니다"};
    case CommonError::kTokenExpired:
      return {401, "TOKEN_EXPIRED", "로그인 시간이 만료되었습니다. 다시 로그인해주세요"};
    case CommonError::kTokenRevoked:
      return {401, "TOKEN_REVOKED", "로그아웃된 세션입니다. 다시 로그인해주세요"};
    case CommonError::kForbidden:
      return {403, "FORBIDDEN", "서비스 이용 권한이 없습니다"};
    case CommonError::kLineNotOwned:
      return {403, "LINE_NOT_OWNED", "본인 명의의 회선만 이용할 수 있습니다"};
    case CommonError::kNotFound:
      return {404, "NOT_FOUND", "요청하신 정보를 찾을 수 없습니다"};
    case CommonError::kMethodNotAllowed:
      return {405, "METHOD_NOT_ALLOWED", "허용되지 않는 요청 방식입니다"};
    case CommonError::kRateLimited:
      return {429, "RATE_LIMITED", "요청이 너무 많습니다. 잠시 후 다시 시도해주세요"};
    case CommonError::kServiceUnavailable:
      return {503, "SERVICE_UNAVAILABLE", "서비스를 일시적으로 이용할 수 없습니다"};
    case CommonError::kUpstreamTimeout:
      return {504, "UPSTREAM_TIMEOUT", "응답 시간이 초과되었습니다. 잠시 후 다시 시도해주세요"};
    case CommonError::kKosUnavailable:
      return {503, "KOS_UNAVAILABLE", "통신사 시스템을 일시적으로 이용할 수 없습니다"};
    case CommonError::kKosTimeout:
      return {504, "KOS_TIMEOUT", "통신사 시스템의 응답이 지연되고 있습니다"};
    case CommonError::kInternalError:
      return {500, "INTERNAL_ERROR", "일시적인 오류가 발생했습니다"};
  }
  return {500, "INTERNAL_ERROR", "일시적인 오류가 발생했습니다"};
}

}  // namespace

ApiError common_error(CommonError error, boost::json::value details) {
  auto found = entry(error);
  return ApiError{found.status, found.code, found.message, std::move(details)};
}

ApiError validation_error(const FieldErrors& errors) {
  return common_error(CommonError::kValidationError, errors.to_json());
}

ApiError validation_error(std::string field, std::string reason) {
  FieldErrors errors;
  errors.add(std::move(field), std::move(reason));
  return validation_error(errors);
}

Response error_response(const Request& request, const ApiError& error) {
  boost::json::object body;
  body["code"] = error.code;
  body["message"] = error.message;
  if (!error.details.is_null()) body["details"] = error.details;
  body["traceId"] = request.trace_id;
  body["timestamp"] = iso8601_seoul(std::chrono::system_clock::now());
  return json_response(boost::json::object{{"success", false}, {"error", std::move(body)}},
                       error.status);
}

}  // namespace phonebill::http
