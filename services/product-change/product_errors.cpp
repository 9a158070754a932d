// product_error: see product_errors.hpp.
#include "product_errors.hpp"

namespace phonebill::product {

http::ApiError product_error(ProductError error, boost::json::value details) {
  switch (error) {
    case ProductError::kPrecheckFailed:
      return {409, "PRECHECK_FAILED", "상품 변경 사전 확인에 실패했습니다", std::move(details)};
    case ProductError::kProductNotFound:
      return {404, "PRODUCT_NOT_FOUND", "상품 정보를 찾을 수 없습니다", std::move(details)};
    case ProductError::kProductDiscontinued:
      return {409, "PRODUCT_DISCONTINUED", "판매가 종료된 상품입니다", std::move(details)};
    case ProductError::kOperatorMismatch:
      return {409, "OPERATOR_MISMATCH", "다른 통신사의 상품으로는 변경할 수 없습니다",
              std::move(details)};
    case ProductError::kLineInactive:
      return {409, "LINE_INACTIVE", "정지 또는 해지된 회선입니다", std::move(details)};
    case ProductError::kLineNotFound:
      return {404, "LINE_NOT_FOUND", "회선 정보를 찾을 수 없습니다", std::move(details)};
    case ProductError::kChangeInProgress:
      return {409, "CHANGE_IN_PROGRESS", "이미 처리 중인 상품 변경 요청이 있습니다",
              std::move(details)};
    case ProductError::kIdempotencyKeyReused:
      return {422, "IDEMPOTENCY_KEY_REUSED",
              "같은 Idempotency-Key로 다른 내용의 요청을 보낼 수 없습니다", std::move(details)};
  }
  return http::common_error(http::CommonError::kInternalError);
}

http::ApiError stored_error(int status, std::string_view code, std::string_view message,
                            boost::json::value details) {
  return http::ApiError{status, std::string{code}, std::string{message}, std::move(details)};
}

}  // namespace phonebill::product
