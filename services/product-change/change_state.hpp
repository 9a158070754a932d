// The plan change as a state machine (SPEC §6, docs/product-change.md) and what each KOS
// answer means for it. Pure C++: the service and the reconciler decide with these, the
// store only persists the result. Statuses:
//   REQUESTED → PRECHECK_FAILED | COMPLETED | FAILED | PENDING;  PENDING → COMPLETED | FAILED.
// Entry points: can_transition, outcome_of_change (the change call), outcome_of_order
// (the reconciler's order lookup), outcome_of_resent_change (the reconciler sending a
// change KOS has no order for again) and precheck_failed.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "kos/kos_reply.hpp"
#include "kos/wire.hpp"
#include "product_status.hpp"

namespace phonebill::product {

enum class ChangeStatus { kRequested, kPrecheckFailed, kCompleted, kFailed, kPending };

std::string_view to_text(ChangeStatus status);
std::optional<ChangeStatus> parse_change_status(std::string_view text);
// PRECHECK_FAILED, COMPLETED and FAILED never change again.
bool is_settled(ChangeStatus status);
bool can_transition(ChangeStatus from, ChangeStatus to);

// What is written to the record once the outcome of a change is known (or known to be
// unknown: PENDING). Domain states and KOS's own codes only — how it is answered is the
// handlers' business.
struct ChangeOutcome {
  ChangeStatus status = ChangeStatus::kFailed;
  std::optional<ProductStatus> failure_reason;  // PRECHECK_FAILED and FAILED: why
  std::optional<std::string> kos_result_code;   // 0000, 2001…2005, 9001, 9999 when KOS said so
  std::optional<std::string> kos_message;       // KOS's resultMessage of a refusal (2001…2005)
  std::optional<std::string> kos_order_number;
  std::optional<std::string> effective_date;
  std::optional<std::string> previous_product_code;  // KOS's view of the line's plan before
};

// The outcome of POST /kos/product/change:
//   0000 → COMPLETED; 2001…2005 → FAILED with its status (kos_codes.hpp);
//   any attempt that timed out → PENDING: KOS may have applied it, only the order
//   lookup can tell; circuit open, bulkhead full, transport errors and 9999 on every
//   attempt (retries reuse the requestId, so KOS never applies twice) → FAILED
//   kKosUnavailable; 9001 → FAILED kInternal (our bug).
ChangeOutcome outcome_of_change(const kos::KosReply<kos::ProductChangeResult>& reply);

// The outcome of an unsettled record given KOS's order: COMPLETED / FAILED settle it.
// NOT_FOUND is nullopt: the outcome is still unknown (a real KOS may yet apply a request
// it has not recorded), so it is never written down as a failure; the reconciler sends
// the same change again under the same requestId instead (SPEC §6).
std::optional<ChangeOutcome> outcome_of_order(const kos::OrderInfo& order);

// The outcome of the reconciler's repeated change (same requestId, so KOS applies it at
// most once): 0000 → COMPLETED, a business error (2001…2005) → FAILED; anything else —
// timeout, transport error, 9999, circuit open — leaves the outcome unknown: nullopt,
// the record stays unsettled and is asked about again next pass.
std::optional<ChangeOutcome> outcome_of_resent_change(
    const kos::KosReply<kos::ProductChangeResult>& reply);

// A change KOS refused with `code` (its message kept when the code is a known refusal).
ChangeOutcome failed_change(kos::KosResultCode code, std::string kos_message);

// A change stopped by the pre-check (KOS not asked).
ChangeOutcome precheck_failed();

}  // namespace phonebill::product
