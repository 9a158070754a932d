// bill_answer: BillStatus → HTTP status, SPEC §2/§5 code and Korean text (see
// bill_answers.hpp).
#include "handlers/bill_answers.hpp"

namespace phonebill::bill {

using http::common_error;
using http::CommonError;

http::ApiError bill_answer(BillStatus status) {
  switch (status) {
    case BillStatus::kForbidden:
      return common_error(CommonError::kForbidden);
    case BillStatus::kInvalidInput:
      return common_error(CommonError::kValidationError);
    case BillStatus::kLineNotOwned:
      return common_error(CommonError::kLineNotOwned);
    case BillStatus::kLineNotFound:
      return http::ApiError{404, "LINE_NOT_FOUND", "회선 정보를 찾을 수 없습니다", nullptr};
    case BillStatus::kLineInactive:
      return http::ApiError{409, "LINE_INACTIVE", "정지 또는 해지된 회선입니다", nullptr};
    case BillStatus::kBillNotFound:
      return http::ApiError{404, "BILL_NOT_FOUND", "해당 월의 요금 정보가 없습니다", nullptr};
    case BillStatus::kNotFound:
      return common_error(CommonError::kNotFound);
    case BillStatus::kStorageUnavailable:
      return common_error(CommonError::kServiceUnavailable);
    case BillStatus::kKosUnavailable:
      return common_error(CommonError::kKosUnavailable);
    case BillStatus::kKosTimeout:
      return common_error(CommonError::kKosTimeout);
    case BillStatus::kInternal:
      return common_error(CommonError::kInternalError);
  }
  return common_error(CommonError::kInternalError);
}

}  // namespace phonebill::bill
