// KOS business codes → ProductStatus, one switch per operation: see kos_codes.hpp.
#include "kos_codes.hpp"

namespace phonebill::product {

using kos::KosResultCode;

ProductStatus inquiry_status(KosResultCode code) {
  switch (code) {
    case KosResultCode::kProductLineNotFound:
      return ProductStatus::kLineNotFound;
    case KosResultCode::kProductLineNotInService:
      return ProductStatus::kLineInactive;
    case KosResultCode::kProductDataUnavailable:
      return ProductStatus::kProductNotFound;
    default:
      return ProductStatus::kInternal;
  }
}

ProductStatus change_status(KosResultCode code) {
  switch (code) {
    case KosResultCode::kChangeLineNotFound:
      return ProductStatus::kLineNotFound;
    case KosResultCode::kChangeLineInactive:
      return ProductStatus::kLineInactive;
    case KosResultCode::kChangeProductNotFound:
      return ProductStatus::kProductNotFound;
    case KosResultCode::kChangeProductDiscontinued:
      return ProductStatus::kProductDiscontinued;
    case KosResultCode::kChangeOperatorMismatch:
      return ProductStatus::kOperatorMismatch;
    default:
      return ProductStatus::kInternal;
  }
}

}  // namespace phonebill::product
