// The plan change as a state machine (SPEC §6, docs/product-change.md) and what each KOS
// answer means for it. Pure C++: the service and the reconciler decide with these, the
// store only persists the result. Statuses:
//   REQUESTED → PRECHECK_FAILED | COMPLETED | FAILED | PENDING;  PENDING → COMPLETED | FAILED.
// Entry points: can_transition, outcome_of_change (the change call), outcome_of_order
// (the reconciler's order lookup).
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "kos/kos_client.hpp"

namespace phonebill::product {

enum class ChangeStatus { kRequested, kPrecheckFailed, kCompleted, kFailed, kPending };

std::string_view to_text(ChangeStatus status);
std::optional<ChangeStatus> parse_change_status(std::string_view text);
// PRECHECK_FAILED, COMPLETED and FAILED never change again.
bool is_settled(ChangeStatus status);
bool can_transition(ChangeStatus from, ChangeStatus to);

// What is written to the record and answered once the outcome of a change is known (or
// known to be unknown: PENDING).
struct ChangeOutcome {
  ChangeStatus status = ChangeStatus::kFailed;
  int http_status = 500;
  std::string result_code = "INTERNAL_ERROR";  // OK, PENDING or an API error code
  std::string result_message;                  // the user-facing text
  std::optional<std::string> kos_result_code;  // 0000, 2001…2005, 9999 when KOS said so
  std::optional<std::string> kos_order_number;
  std::optional<std::string> effective_date;
  std::optional<std::string> previous_product_code;  // KOS's view of the line's plan before
};

// The outcome of POST /kos/product/change:
//   0000 → COMPLETED (200); 2001…2005 → FAILED with the mapped error (404/409);
//   any attempt that timed out → PENDING (202): KOS may have applied it, only the order
//   lookup can tell; circuit open, bulkhead full, transport errors and 9999 on every
//   attempt (retries reuse the requestId, so KOS never applies twice) → FAILED 503
//   KOS_UNAVAILABLE; 9001 → FAILED 500 (our bug).
ChangeOutcome outcome_of_change(const kos::KosReply<kos::ProductChangeResult>& reply);

// The outcome of an unsettled record given KOS's order: COMPLETED / FAILED settle it;
// NOT_FOUND settles it as FAILED (KOS never took it, nothing changed) only when the
// record is `stale` (older than any in-flight call can be), else nullopt: ask later.
std::optional<ChangeOutcome> outcome_of_order(const kos::OrderInfo& order, bool stale);

// The API error a KOS change code maps to (2001…2005); INTERNAL_ERROR for others.
ChangeOutcome failed_change(kos::KosResultCode code, std::string kos_message);

}  // namespace phonebill::product
