// KOS business codes → BillStatus, one mapping per operation (see kos_codes.hpp).
#include "kos_codes.hpp"

namespace phonebill::bill {

BillStatus bill_inquiry_status(kos::KosResultCode code) {
  switch (code) {
    case kos::KosResultCode::kBillLineNotFound:
      return BillStatus::kLineNotFound;
    case kos::KosResultCode::kBillLineInactive:
      return BillStatus::kLineInactive;
    case kos::KosResultCode::kBillNotFound:
      return BillStatus::kBillNotFound;
    default:
      return BillStatus::kInternal;
  }
}

std::optional<BillStatus> menu_product_status(kos::KosResultCode code) {
  switch (code) {
    case kos::KosResultCode::kProductLineNotFound:
      return BillStatus::kLineNotFound;
    case kos::KosResultCode::kProductLineNotInService:
      return BillStatus::kLineInactive;
    default:
      return std::nullopt;
  }
}

}  // namespace phonebill::bill
