// ProductStatus → HTTP answer, the one table of product-change (see product_answers.hpp).
#include "handlers/product_answers.hpp"

#include <boost/json/object.hpp>

#include "http/outcome.hpp"
#include "http/refusal.hpp"
#include "product_views.hpp"

namespace phonebill::product {

using http::common_error;
using http::CommonError;

http::ApiError product_answer(ProductStatus status) {
  switch (status) {
    case ProductStatus::kChangeCompleted:
      return {200, "OK", "상품 변경이 완료되었습니다", nullptr};
    case ProductStatus::kChangePending:
      return {202, "PENDING", "상품 변경 결과를 확인 중입니다", nullptr};
    case ProductStatus::kInvalidInput:
      return common_error(CommonError::kValidationError);
    case ProductStatus::kForbidden:
      return common_error(CommonError::kForbidden);
    case ProductStatus::kLineNotOwned:
      return common_error(CommonError::kLineNotOwned);
    case ProductStatus::kChangeNotFound:
      return common_error(CommonError::kNotFound);
    case ProductStatus::kLineNotFound:
      return {404, "LINE_NOT_FOUND", "회선 정보를 찾을 수 없습니다", nullptr};
    case ProductStatus::kLineInactive:
      return {409, "LINE_INACTIVE", "정지 또는 해지된 회선입니다", nullptr};
    case ProductStatus::kProductNotFound:
      return {404, "PRODUCT_NOT_FOUND", "상품 정보를 찾을 수 없습니다", nullptr};
    case ProductStatus::kProductDiscontinued:
      return {409, "PRODUCT_DISCONTINUED", "판매가 종료된 상품입니다", nullptr};
    case ProductStatus::kOperatorMismatch:
      return {409, "OPERATOR_MISMATCH", "다른 통신사의 상품으로는 변경할 수 없습니다", nullptr};
    case ProductStatus::kPrecheckFailed:
      return {409, "PRECHECK_FAILED", "상품 변경 사전 확인에 실패했습니다", nullptr};
    case ProductStatus::kChangeInProgress:
      return {409, "CHANGE_IN_PROGRESS", "이미 처리 중인 상품 변경 요청이 있습니다", nullptr};
    case ProductStatus::kIdempotencyKeyReused:
      return {422, "IDEMPOTENCY_KEY_REUSED",
              "같은 Idempotency-Key로 다른 내용의 요청을 보낼 수 없습니다", nullptr};
    case ProductStatus::kStorageUnavailable:
      return common_error(CommonError::kServiceUnavailable);
    case ProductStatus::kKosUnavailable:
      return common_error(CommonError::kKosUnavailable);
    case ProductStatus::kKosTimeout:
      return common_error(CommonError::kKosTimeout);
    case ProductStatus::kInternal:
      return common_error(CommonError::kInternalError);
  }
  return common_error(CommonError::kInternalError);
}

http::Response respond_refusal(const http::Request& request,
                               const Refusal<ProductStatus>& refusal) {
  return http::respond_refusal(request, refusal, product_answer);
}

http::Response respond_change(const http::Request& request, const ChangeRecord& record) {
  auto status = answer_for(record);
  auto answer = product_answer(status);
  if (status == ProductStatus::kChangeCompleted || status == ProductStatus::kChangePending)
    return http::respond(request, change_view(record), answer.status);
  boost::json::object details{{"requestId", record.request_id}};
  if (record.status == ChangeStatus::kPrecheckFailed) {
    details["checks"] = checks_view(record.checks.value_or(std::vector<Check>{}));
  } else if (record.status == ChangeStatus::kFailed) {
    if (record.kos_result_code) details["kosResultCode"] = *record.kos_result_code;
    if (record.result_message) answer.message = *record.result_message;
  }
  answer.details = std::move(details);
  return http::respond(request, http::Failure{std::move(answer)});
}

}  // namespace phonebill::product
