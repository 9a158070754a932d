// The change state machine and the meaning of each KOS answer for it: see change_state.hpp.
#include "change_state.hpp"

#include "kos_codes.hpp"

namespace phonebill::product {
namespace {

ChangeOutcome failed(ProductStatus reason) {
  ChangeOutcome outcome;
  outcome.status = ChangeStatus::kFailed;
  outcome.failure_reason = reason;
  return outcome;
}

ChangeOutcome completed(std::optional<std::string> order_number,
                        std::optional<std::string> effective_date,
                        std::optional<std::string> previous_product_code) {
  ChangeOutcome outcome;
  outcome.status = ChangeStatus::kCompleted;
  outcome.kos_result_code = "0000";
  outcome.kos_order_number = std::move(order_number);
  outcome.effective_date = std::move(effective_date);
  outcome.previous_product_code = std::move(previous_product_code);
  return outcome;
}

bool any_attempt_timed_out(const kos::KosReply<kos::ProductChangeResult>& reply) {
  for (const auto& attempt : reply.attempts)
    if (attempt.failure == kos::KosFailureKind::kTimeout) return true;
  return false;
}

}  // namespace

std::string_view to_text(ChangeStatus status) {
  switch (status) {
    case ChangeStatus::kRequested:
      return "REQUESTED";
    case ChangeStatus::kPrecheckFailed:
      return "PRECHECK_FAILED";
    case ChangeStatus::kCompleted:
      return "COMPLETED";
    case ChangeStatus::kFailed:
      return "FAILED";
    case ChangeStatus::kPending:
      return "PENDING";
  }
  return "FAILED";
}

std::optional<ChangeStatus> parse_change_status(std::string_view text) {
  for (auto status : {ChangeStatus::kRequested, ChangeStatus::kPrecheckFailed,
                      ChangeStatus::kCompleted, ChangeStatus::kFailed, ChangeStatus::kPending})
    if (to_text(status) == text) return status;
  return std::nullopt;
}

bool is_settled(ChangeStatus status) {
  return status == ChangeStatus::kPrecheckFailed || status == ChangeStatus::kCompleted ||
         status == ChangeStatus::kFailed;
}

bool can_transition(ChangeStatus from, ChangeStatus to) {
  switch (from) {
    case ChangeStatus::kRequested:
      return to != ChangeStatus::kRequested;
    case ChangeStatus::kPending:
      return to == ChangeStatus::kCompleted || to == ChangeStatus::kFailed;
    default:
      return false;
  }
}

ChangeOutcome failed_change(kos::KosResultCode code, std::string kos_message) {
  auto outcome = failed(change_status(code));
  outcome.kos_result_code = std::string{kos::to_text(code)};
  // KOS's own words for a refusal it explains; an unexpected code is our problem and is
  // answered in ours.
  if (*outcome.failure_reason != ProductStatus::kInternal && !kos_message.empty())
    outcome.kos_message = std::move(kos_message);
  return outcome;
}

ChangeOutcome precheck_failed() {
  ChangeOutcome outcome;
  outcome.status = ChangeStatus::kPrecheckFailed;
  outcome.failure_reason = ProductStatus::kPrecheckFailed;
  return outcome;
}

ChangeOutcome outcome_of_change(const kos::KosReply<kos::ProductChangeResult>& reply) {
  if (reply.ok())
    return completed(reply.data->kos_order_number, reply.data->effective_date,
                     reply.data->previous_product_code);
  if (reply.business_error()) return failed_change(reply.code, reply.message);
  // A timed-out attempt may have reached KOS and been applied: the outcome is unknown.
  if (any_attempt_timed_out(reply)) {
    ChangeOutcome outcome;
    outcome.status = ChangeStatus::kPending;
    return outcome;
  }
  if (reply.failure && reply.failure->kind == kos::KosFailureKind::kRejected) {
    auto outcome = failed(ProductStatus::kInternal);
    outcome.kos_result_code = "9001";
    return outcome;
  }
  auto outcome = failed(ProductStatus::kKosUnavailable);
  if (reply.failure && reply.failure->kind == kos::KosFailureKind::kSystemError)
    outcome.kos_result_code = "9999";
  return outcome;
}

std::optional<ChangeOutcome> outcome_of_order(const kos::OrderInfo& order) {
  switch (order.status) {
    case kos::OrderStatus::kCompleted:
      return completed(order.kos_order_number, order.effective_date, order.previous_product_code);
    case kos::OrderStatus::kFailed:
      return failed_change(order.result_code.value_or(kos::KosResultCode::kSystemError),
                           order.result_message.value_or(""));
    case kos::OrderStatus::kNotFound:
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<ChangeOutcome> outcome_of_resent_change(
    const kos::KosReply<kos::ProductChangeResult>& reply) {
  if (!reply.ok() && !reply.business_error()) return std::nullopt;
  return outcome_of_change(reply);
}

}  // namespace phonebill::product
