// A change record's in-memory settlement and the answer it gives: see change_record.hpp.
#include "change_record.hpp"

namespace phonebill::product {

void apply(ChangeRecord& record, const ChangeOutcome& outcome) {
  record.status = outcome.status;
  record.failure_reason = outcome.failure_reason;
  record.result_message = outcome.kos_message;
  record.kos_result_code = outcome.kos_result_code;
  record.kos_order_number = outcome.kos_order_number;
  record.effective_date = outcome.effective_date;
}

ProductStatus answer_for(const ChangeRecord& record) {
  switch (record.status) {
    case ChangeStatus::kCompleted:
      return ProductStatus::kChangeCompleted;
    case ChangeStatus::kPending:
      return ProductStatus::kChangePending;
    case ChangeStatus::kRequested:
      return ProductStatus::kChangeInProgress;
    case ChangeStatus::kPrecheckFailed:
      return ProductStatus::kPrecheckFailed;
    case ChangeStatus::kFailed:
      return record.failure_reason.value_or(ProductStatus::kInternal);
  }
  return ProductStatus::kInternal;
}

}  // namespace phonebill::product
