// One plan-change request as the domain keeps it (SPEC §6): who asked for which line and
// plans, where the state machine stands, why it failed (a ProductStatus, never an HTTP
// status) and what KOS said. Entry points: ChangeRecord, apply, answer_for.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "change_state.hpp"
#include "core/clock.hpp"
#include "precheck.hpp"
#include "product_status.hpp"

namespace phonebill::product {

struct ChangeRecord {
  std::string request_id;  // ours, and KOS's requestId
  std::string user_id;
  std::string line_number;
  std::string previous_product_code;
  std::string previous_product_name;
  std::string target_product_code;
  std::string target_product_name;
  ChangeStatus status = ChangeStatus::kRequested;
  std::optional<std::string> idempotency_key;
  std::string fingerprint;
  std::optional<ProductStatus> failure_reason;  // PRECHECK_FAILED / FAILED: why
  // KOS's message for a refusal it explained (records written before
  // db/product/003 also hold the message they were answered with).
  std::optional<std::string> result_message;
  std::optional<std::string> kos_result_code;  // 0000, 2001…2005, 9001, 9999 when KOS said so
  std::optional<std::vector<Check>> checks;    // the pre-check, when it failed
  std::optional<std::string> kos_order_number;
  std::optional<std::string> effective_date;
  SystemTime requested_at;
  std::optional<SystemTime> processed_at;
  bool stale = false;  // claim_next only: older than the stale threshold
  // Not read back: where the request came from (insert only).
  std::string http_request_id;
  std::string trace_id;
};

// The outcome's status, reason and KOS data on `record`, for a caller that knows the
// outcome but could not write it (the answer is the same; the reconciler writes it later).
void apply(ChangeRecord& record, const ChangeOutcome& outcome);

// What a stored change answers, the first time, on a replay and on a lookup alike:
// COMPLETED kChangeCompleted, PENDING kChangePending, REQUESTED kChangeInProgress (the
// first request is still working on it), PRECHECK_FAILED kPrecheckFailed, FAILED its
// failure reason.
ProductStatus answer_for(const ChangeRecord& record);

}  // namespace phonebill::product
