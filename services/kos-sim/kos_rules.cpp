// KOS-Order's inquiry rules as pure functions: result code from the facts found.
#include "kos_rules.hpp"

namespace phonebill::kos_sim {

using kos::KosResultCode;

KosResultCode bill_inquiry_result(std::optional<kos::LineStatus> line_status, bool bill_exists) {
  if (!line_status) return KosResultCode::kBillLineNotFound;
  if (*line_status != kos::LineStatus::kActive) return KosResultCode::kBillLineInactive;
  if (!bill_exists) return KosResultCode::kBillNotFound;
  return KosResultCode::kSuccess;
}

KosResultCode product_inquiry_result(std::optional<kos::LineStatus> line_status,
                                     bool product_exists) {
  if (!line_status) return KosResultCode::kProductLineNotFound;
  if (*line_status == kos::LineStatus::kTerminated) return KosResultCode::kProductLineNotInService;
  if (!product_exists) return KosResultCode::kProductDataUnavailable;
  return KosResultCode::kSuccess;
}

}  // namespace phonebill::kos_sim
