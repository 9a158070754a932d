// The change state machine (SPEC §6) and what each KOS answer means for it: every KOS
// change code and failure, sent through the real KosClient over the fake KOS transport;
// the reconciler's reading of an order; the domain status a stored record answers with
// and the HTTP answer the edge table gives it.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "change_input.hpp"
#include "change_record.hpp"
#include "change_state.hpp"
#include "fakes/fake_kos_transport.hpp"
#include "handlers/product_answers.hpp"
#include "kos/codec.hpp"
#include "support/coroutine_test.hpp"

namespace phonebill::product {
namespace {

using kos::KosFailureKind;
using kos::KosOperation;
using kos::KosResultCode;

kos::ProductChangeResult completed_change() {
  return kos::ProductChangeResult{
      "req-1",      "KOS2026112500000001",      "01012345678", "5G-STANDARD-001", "LTE-BASIC-001",
      "2026-12-01", "2026-11-25T10:00:00+09:00"};
}

kos::KosReply<kos::ProductChangeResult> reply_to(kos::KosExchange exchange) {
  phonebill::fakes::FakeKosTransport transport;
  transport.push(KosOperation::kProductChange, std::move(exchange));
  kos::KosClient client{transport};
  boost::asio::io_context io;
  kos::ProductChangeRequest request{"01012345678", "5G-STANDARD-001", "LTE-BASIC-001", "req-1"};
  return test_support::run_coroutine(io, client.change_product(request, kos::KosCallContext{}));
}

ChangeOutcome change_with(kos::KosExchange exchange) {
  return outcome_of_change(reply_to(std::move(exchange)));
}

// Only REQUESTED and PENDING move, and PENDING only to a final status.
TEST(ChangeStateTest, TransitionsFollowTheStateMachine) {
  using S = ChangeStatus;
  for (auto to : {S::kPrecheckFailed, S::kCompleted, S::kFailed, S::kPending})
    EXPECT_TRUE(can_transition(S::kRequested, to)) << to_text(to);
  EXPECT_TRUE(can_transition(S::kPending, S::kCompleted));
  EXPECT_TRUE(can_transition(S::kPending, S::kFailed));
  EXPECT_FALSE(can_transition(S::kPending, S::kPrecheckFailed));
  EXPECT_FALSE(can_transition(S::kPending, S::kRequested));
  for (auto settled : {S::kPrecheckFailed, S::kCompleted, S::kFailed}) {
    EXPECT_TRUE(is_settled(settled));
    for (auto to : {S::kRequested, S::kPrecheckFailed, S::kCompleted, S::kFailed, S::kPending})
      EXPECT_FALSE(can_transition(settled, to)) << to_text(settled) << " → " << to_text(to);
  }
  for (auto status : {S::kRequested, S::kPrecheckFailed, S::kCompleted, S::kFailed, S::kPending})
    EXPECT_EQ(parse_change_status(to_text(status)), status);
  EXPECT_FALSE(parse_change_status("DONE"));
}

// 0000 completes the change with KOS's order number and effective date.
TEST(ChangeOutcomeTest, SuccessCompletes) {
  auto outcome = change_with(
      phonebill::fakes::answer(KosResultCode::kSuccess, kos::to_json(completed_change())));
  EXPECT_EQ(outcome.status, ChangeStatus::kCompleted);
  EXPECT_FALSE(outcome.failure_reason);
  EXPECT_EQ(outcome.kos_result_code, "0000");
  EXPECT_EQ(outcome.kos_order_number, "KOS2026112500000001");
  EXPECT_EQ(outcome.effective_date, "2026-12-01");
  EXPECT_EQ(outcome.previous_product_code, "5G-STANDARD-001");
}

// Each KOS change code maps to its SPEC §6 status (and, at the edge, its error); the
// change is FAILED with KOS's code and message kept.
TEST(ChangeOutcomeTest, EveryKosChangeCodeIsMapped) {
  struct Case {
    KosResultCode code;
    ProductStatus reason;
    int status;
    const char* error;
  };
  for (auto [code, reason, status, error] :
       {Case{KosResultCode::kChangeLineNotFound, ProductStatus::kLineNotFound, 404,
             "LINE_NOT_FOUND"},
        Case{KosResultCode::kChangeLineInactive, ProductStatus::kLineInactive, 409,
             "LINE_INACTIVE"},
        Case{KosResultCode::kChangeProductNotFound, ProductStatus::kProductNotFound, 404,
             "PRODUCT_NOT_FOUND"},
        Case{KosResultCode::kChangeProductDiscontinued, ProductStatus::kProductDiscontinued, 409,
             "PRODUCT_DISCONTINUED"},
        Case{KosResultCode::kChangeOperatorMismatch, ProductStatus::kOperatorMismatch, 409,
             "OPERATOR_MISMATCH"}}) {
    auto outcome = change_with(phonebill::fakes::answer(code));
    EXPECT_EQ(outcome.status, ChangeStatus::kFailed) << kos::to_text(code);
    EXPECT_EQ(outcome.failure_reason, reason) << kos::to_text(code);
    EXPECT_EQ(product_answer(reason).status, status) << kos::to_text(code);
    EXPECT_EQ(product_answer(reason).code, error);
    EXPECT_EQ(outcome.kos_result_code, std::string{kos::to_text(code)});
    EXPECT_EQ(outcome.kos_message, std::string{kos::default_message(code)});
  }
}

// No answer in time: KOS may have applied it, so the change is PENDING (202).
TEST(ChangeOutcomeTest, TimeoutIsPending) {
  auto outcome = change_with(phonebill::fakes::failure(KosFailureKind::kTimeout));
  EXPECT_EQ(outcome.status, ChangeStatus::kPending);
  EXPECT_FALSE(outcome.failure_reason);
}

// Refused before sending, or KOS failing before it processed anything: 503, FAILED.
TEST(ChangeOutcomeTest, OutagesAreUnavailable) {
  for (auto kind : {KosFailureKind::kTransport, KosFailureKind::kSystemError,
                    KosFailureKind::kCircuitOpen, KosFailureKind::kBulkheadFull}) {
    auto outcome = change_with(phonebill::fakes::failure(kind));
    EXPECT_EQ(outcome.status, ChangeStatus::kFailed) << kos::to_string(kind);
    EXPECT_EQ(outcome.failure_reason, ProductStatus::kKosUnavailable) << kos::to_string(kind);
  }
  auto rejected = change_with(phonebill::fakes::failure(KosFailureKind::kRejected));
  EXPECT_EQ(rejected.failure_reason, ProductStatus::kInternal);
  EXPECT_EQ(rejected.kos_result_code, "9001");
}

// A retried change whose first attempt timed out stays PENDING even if a later attempt
// failed differently: the first may have been applied.
TEST(ChangeOutcomeTest, AnyTimedOutAttemptMakesItPending) {
  kos::KosReply<kos::ProductChangeResult> reply;
  reply.failure = kos::KosFailure{KosFailureKind::kTransport, "reset", {}};
  kos::KosAttempt first;
  first.failure = KosFailureKind::kTimeout;
  kos::KosAttempt second;
  second.failure = KosFailureKind::kTransport;
  reply.attempts = {first, second};
  EXPECT_EQ(outcome_of_change(reply).status, ChangeStatus::kPending);
}

// The reconciler: COMPLETED and FAILED orders settle; NOT_FOUND never settles (the
// outcome is unknown, however old the record: it is sent again instead).
TEST(OrderOutcomeTest, OrdersSettleAndNotFoundIsNeverAFailure) {
  kos::OrderInfo completed;
  completed.request_id = "req-1";
  completed.status = kos::OrderStatus::kCompleted;
  completed.kos_order_number = "KOS2026112500000002";
  completed.effective_date = "2026-12-01";
  completed.previous_product_code = "5G-STANDARD-001";
  auto settled = outcome_of_order(completed);
  ASSERT_TRUE(settled);
  EXPECT_EQ(settled->status, ChangeStatus::kCompleted);
  EXPECT_EQ(settled->kos_order_number, "KOS2026112500000002");

  kos::OrderInfo failed;
  failed.status = kos::OrderStatus::kFailed;
  failed.result_code = KosResultCode::kChangeProductDiscontinued;
  auto refused = outcome_of_order(failed);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, ChangeStatus::kFailed);
  EXPECT_EQ(refused->failure_reason, ProductStatus::kProductDiscontinued);

  kos::OrderInfo missing;
  missing.status = kos::OrderStatus::kNotFound;
  EXPECT_FALSE(outcome_of_order(missing));
}

// The reconciler's repeated change: KOS's answer settles it (0000 or a business code);
// no answer, 9999, a transport error or an open circuit leave the outcome unknown.
TEST(OrderOutcomeTest, ResentChangeSettlesOnlyOnKosAnswers) {
  auto completed = outcome_of_resent_change(reply_to(
      phonebill::fakes::answer(KosResultCode::kSuccess, kos::to_json(completed_change()))));
  ASSERT_TRUE(completed);
  EXPECT_EQ(completed->status, ChangeStatus::kCompleted);
  EXPECT_EQ(completed->kos_order_number, "KOS2026112500000001");
  auto refused = outcome_of_resent_change(
      reply_to(phonebill::fakes::answer(KosResultCode::kChangeLineInactive)));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, ChangeStatus::kFailed);
  EXPECT_EQ(refused->failure_reason, ProductStatus::kLineInactive);
  for (auto kind :
       {KosFailureKind::kTimeout, KosFailureKind::kTransport, KosFailureKind::kSystemError,
        KosFailureKind::kCircuitOpen, KosFailureKind::kBulkheadFull}) {
    EXPECT_FALSE(outcome_of_resent_change(reply_to(phonebill::fakes::failure(kind))))
        << kos::to_string(kind);
  }
}

// A stored record answers the same way every time: completed, pending, in progress, the
// pre-check, its failure reason; at the edge 200, 202, 409, 409, its error.
TEST(AnswerForTest, RecordsAnswerByStatus) {
  ChangeRecord record;
  record.request_id = "req-1";
  record.status = ChangeStatus::kCompleted;
  EXPECT_EQ(answer_for(record), ProductStatus::kChangeCompleted);
  EXPECT_EQ(product_answer(answer_for(record)).status, 200);
  record.status = ChangeStatus::kPending;
  EXPECT_EQ(answer_for(record), ProductStatus::kChangePending);
  EXPECT_EQ(product_answer(answer_for(record)).status, 202);
  record.status = ChangeStatus::kRequested;
  EXPECT_EQ(product_answer(answer_for(record)).code, "CHANGE_IN_PROGRESS");
  record.status = ChangeStatus::kPrecheckFailed;
  record.failure_reason = ProductStatus::kPrecheckFailed;
  EXPECT_EQ(product_answer(answer_for(record)).status, 409);
  EXPECT_EQ(product_answer(answer_for(record)).code, "PRECHECK_FAILED");
  record.status = ChangeStatus::kFailed;
  record.failure_reason = ProductStatus::kOperatorMismatch;
  EXPECT_EQ(product_answer(answer_for(record)).code, "OPERATOR_MISMATCH");
  EXPECT_EQ(product_answer(answer_for(record)).status, 409);
  record.failure_reason.reset();  // a FAILED record without a reason: our bug
  EXPECT_EQ(product_answer(answer_for(record)).status, 500);
}

// The stored names of failure reasons read back as the same status (the migration
// writes these names: db/product/003_domain_outcomes.sql).
TEST(ProductStatusTest, StoredNamesRoundTrip) {
  for (const char* name :
       {"LINE_NOT_FOUND", "LINE_INACTIVE", "PRODUCT_NOT_FOUND", "PRODUCT_DISCONTINUED",
        "OPERATOR_MISMATCH", "PRECHECK_FAILED", "KOS_UNAVAILABLE", "INTERNAL"}) {
    auto status = parse_product_status(name);
    ASSERT_TRUE(status) << name;
    EXPECT_EQ(to_text(*status), name);
  }
  EXPECT_FALSE(parse_product_status("INTERNAL_ERROR"));
}

// Input rules: KOS's product-code alphabet, printable keys, the fingerprint's parts.
TEST(ChangeInputTest, CodesKeysAndFingerprints) {
  EXPECT_TRUE(is_product_code("5G-PREMIUM-001"));
  EXPECT_FALSE(is_product_code(""));
  EXPECT_FALSE(is_product_code("5G PREMIUM"));
  EXPECT_FALSE(is_product_code(std::string(41, 'A')));
  EXPECT_TRUE(is_idempotency_key("3f1c2d9e-0b7a-4c55-9d1e-6a7b8c9d0e1f"));
  EXPECT_FALSE(is_idempotency_key(""));
  EXPECT_FALSE(is_idempotency_key("has space"));
  EXPECT_FALSE(is_idempotency_key(std::string(101, 'k')));
  EXPECT_NE(change_fingerprint("01012345678", "A", "B"),
            change_fingerprint("01012345678", "A", "C"));
}

}  // namespace
}  // namespace phonebill::product
