// BillStatus names and descriptions for the history rows (see bill_status.hpp).
#include "bill_status.hpp"

namespace phonebill::bill {

std::string_view to_string(BillStatus status) {
  switch (status) {
    case BillStatus::kForbidden:
      return "FORBIDDEN";
    case BillStatus::kInvalidInput:
      return "VALIDATION_ERROR";
    case BillStatus::kLineNotOwned:
      return "LINE_NOT_OWNED";
    case BillStatus::kLineNotFound:
      return "LINE_NOT_FOUND";
    case BillStatus::kLineInactive:
      return "LINE_INACTIVE";
    case BillStatus::kBillNotFound:
      return "BILL_NOT_FOUND";
    case BillStatus::kNotFound:
      return "NOT_FOUND";
    case BillStatus::kStorageUnavailable:
      return "SERVICE_UNAVAILABLE";
    case BillStatus::kKosUnavailable:
      return "KOS_UNAVAILABLE";
    case BillStatus::kKosTimeout:
      return "KOS_TIMEOUT";
    case BillStatus::kInternal:
      return "INTERNAL_ERROR";
  }
  return "INTERNAL_ERROR";
}

std::string_view describe(BillStatus status) {
  switch (status) {
    case BillStatus::kForbidden:
      return "no bill inquiry permission";
    case BillStatus::kInvalidInput:
      return "invalid input";
    case BillStatus::kLineNotOwned:
      return "line of another customer";
    case BillStatus::kLineNotFound:
      return "no such line";
    case BillStatus::kLineInactive:
      return "line suspended or terminated";
    case BillStatus::kBillNotFound:
      return "no bill for that month";
    case BillStatus::kNotFound:
      return "not found";
    case BillStatus::kStorageUnavailable:
      return "history storage unavailable";
    case BillStatus::kKosUnavailable:
      return "KOS unavailable";
    case BillStatus::kKosTimeout:
      return "KOS timed out";
    case BillStatus::kInternal:
      return "internal error";
  }
  return "internal error";
}

}  // namespace phonebill::bill
