// The change state machine and KOS outcome mapping: see change_state.hpp.
#include "change_state.hpp"

#include "product_errors.hpp"

namespace phonebill::product {
namespace {

ChangeOutcome from_error(ChangeStatus status, const http::ApiError& error) {
  ChangeOutcome outcome;
  outcome.status = status;
  outcome.http_status = error.status;
  outcome.result_code = error.code;
  outcome.result_message = error.message;
  return outcome;
}

ChangeOutcome kos_unavailable() {
  return from_error(ChangeStatus::kFailed, http::common_error(http::CommonError::kKosUnavailable));
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
  ProductError error = ProductError::kProductNotFound;
  switch (code) {
    case kos::KosResultCode::kChangeLineNotFound:
      error = ProductError::kLineNotFound;
      break;
    case kos::KosResultCode::kChangeLineInactive:
      error = ProductError::kLineInactive;
      break;
    case kos::KosResultCode::kChangeProductNotFound:
      error = ProductError::kProductNotFound;
      break;
    case kos::KosResultCode::kChangeProductDiscontinued:
      error = ProductError::kProductDiscontinued;
      break;
    case kos::KosResultCode::kChangeOperatorMismatch:
      error = ProductError::kOperatorMismatch;
      break;
    default: {
      auto outcome =
          from_error(ChangeStatus::kFailed, http::common_error(http::CommonError::kInternalError));
      outcome.kos_result_code = std::string{kos::to_text(code)};
      return outcome;
    }
  }
  auto outcome = from_error(ChangeStatus::kFailed, product_error(error));
  outcome.kos_result_code = std::string{kos::to_text(code)};
  if (!kos_message.empty()) outcome.result_message = std::move(kos_message);
  return outcome;
}

ChangeOutcome outcome_of_change(const kos::KosReply<kos::ProductChangeResult>& reply) {
  if (reply.ok()) {
    ChangeOutcome outcome;
    outcome.status = ChangeStatus::kCompleted;
    outcome.http_status = 200;
    outcome.result_code = "OK";
    outcome.result_message = "상품 변경이 완료되었습니다";
    outcome.kos_result_code = "0000";
    outcome.kos_order_number = reply.data->kos_order_number;
    outcome.effective_date = reply.data->effective_date;
    outcome.previous_product_code = reply.data->previous_product_code;
    return outcome;
  }
  if (reply.business_error()) return failed_change(reply.code, reply.message);
  // A timed-out attempt may have reached KOS and been applied: the outcome is unknown.
  for (const auto& attempt : reply.attempts) {
    if (attempt.failure == kos::KosFailureKind::kTimeout) {
      ChangeOutcome outcome;
      outcome.status = ChangeStatus::kPending;
      outcome.http_status = 202;
      outcome.result_code = "PENDING";
      outcome.result_message = "상품 변경 결과를 확인 중입니다";
      return outcome;
    }
  }
  if (reply.failure && reply.failure->kind == kos::KosFailureKind::kRejected) {
    auto outcome =
        from_error(ChangeStatus::kFailed, http::common_error(http::CommonError::kInternalError));
    outcome.kos_result_code = "9001";
    return outcome;
  }
  auto outcome = kos_unavailable();
  if (reply.failure && reply.failure->kind == kos::KosFailureKind::kSystemError)
    outcome.kos_result_code = "9999";
  return outcome;
}

std::optional<ChangeOutcome> outcome_of_order(const kos::OrderInfo& order) {
  switch (order.status) {
    case kos::OrderStatus::kCompleted: {
      ChangeOutcome outcome;
      outcome.status = ChangeStatus::kCompleted;
      outcome.http_status = 200;
      outcome.result_code = "OK";
      outcome.result_message = "상품 변경이 완료되었습니다";
      outcome.kos_result_code = "0000";
      outcome.kos_order_number = order.kos_order_number;
      outcome.effective_date = order.effective_date;
      outcome.previous_product_code = order.previous_product_code;
      return outcome;
    }
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
