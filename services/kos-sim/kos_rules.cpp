#include "kos_rules.hpp"

#include "core/billing_month.hpp"
#include "core/seoul_time.hpp"

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

KosResultCode product_change_result(const ChangeFacts& facts) {
  if (!facts.line_status) return KosResultCode::kChangeLineNotFound;
  if (*facts.line_status != kos::LineStatus::kActive) return KosResultCode::kChangeLineInactive;
  if (!facts.target_status) return KosResultCode::kChangeProductNotFound;
  if (*facts.target_status == kos::ProductStatus::kDiscontinued)
    return KosResultCode::kChangeProductDiscontinued;
  if (facts.target_operator != facts.line_operator) return KosResultCode::kChangeOperatorMismatch;
  return KosResultCode::kSuccess;
}

std::string effective_date_after(int year, int month) {
  auto next = BillingMonth{year, month}.plus_months(1);
  return date_text(next.year, next.month, 1);
}

}  // namespace phonebill::kos_sim
