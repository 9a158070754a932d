// The Reconciler's rules in-process (SPEC §6, issue 13 item 2): an order KOS completed or
// refused settles the record; NOT_FOUND sends the same change again under the same
// requestId (completed once); a resent change KOS refuses is FAILED; an unknown answer
// leaves it PENDING; a fresh REQUESTED record is left to its request; a record claimed
// by one pass is not claimed again until its lease ends — fakes and a ManualClock.
#include "reconciler.hpp"
#include "product_test_support.hpp"

namespace phonebill::product::testing {
namespace {

using phonebill::fakes::answer;
using phonebill::fakes::failure;

class ReconcilerTest : public ProductServiceTest {
 protected:
  ReconcilerPolicy policy() const {
    ReconcilerPolicy policy;
    policy.concurrency = 2;
    return policy;
  }

  // A change left PENDING (or REQUESTED) `age` ago: LTE-BASIC-001 → 5G-PREMIUM-001.
  void unsettled(const std::string& id, ChangeStatus status = ChangeStatus::kPending,
                 std::chrono::milliseconds age = 0ms) {
    ChangeRecord record;
    record.request_id = id;
    record.user_id = kUser;
    record.line_number = kLine;
    record.previous_product_code = "LTE-BASIC-001";
    record.previous_product_name = "LTE-BASIC-001 플랜";
    record.target_product_code = "5G-PREMIUM-001";
    record.target_product_name = "5G-PREMIUM-001 플랜";
    record.status = status;
    record.fingerprint = change_fingerprint(kLine, "LTE-BASIC-001", "5G-PREMIUM-001");
    store.put(record, age);
  }

  // KOS's answer to the next order lookup of change-1.
  void order_is(kos::OrderStatus status, KosResultCode code = KosResultCode::kSuccess) {
    kos::OrderInfo order;
    order.request_id = "change-1";
    order.status = status;
    order.line_number = kLine;
    order.current_product_code = "LTE-BASIC-001";
    order.target_product_code = "5G-PREMIUM-001";
    order.previous_product_code = "LTE-BASIC-001";
    order.result_code = code;
    order.result_message = std::string{kos::default_message(code)};
    order.created_at = "2026-11-25T10:00:00+09:00";
    if (status == kos::OrderStatus::kCompleted) {
      order.kos_order_number = "KOS2026112500000009";
      order.effective_date = "2026-12-01";
    }
    transport.push(KosOperation::kOrderLookup,
                   answer(KosResultCode::kSuccess, kos::to_json(order)));
  }

  ReconcilePass pass() { return run(reconciler.run_once()); }

  Reconciler reconciler{io, store, kos, service, clock, policy(), nullptr};
};

TEST_F(ReconcilerTest, PendingChangeWhoseOrderCompletedSettlesCompletedAndForgetsTheCache) {
  unsettled("change-1");
  order_is(kos::OrderStatus::kCompleted);
  auto result = pass();
  EXPECT_EQ(result.claimed, 1);
  EXPECT_EQ(result.settled, 1);
  auto record = store.get("change-1");
  EXPECT_EQ(record->status, ChangeStatus::kCompleted);
  EXPECT_EQ(record->kos_order_number, "KOS2026112500000009");
  EXPECT_EQ(cache.forgotten, std::vector<std::string>{kLine});
  EXPECT_EQ(transport.calls(KosOperation::kProductChange), 0);
}

TEST_F(ReconcilerTest, PendingChangeWhoseOrderFailedSettlesFailedWithItsStatus) {
  unsettled("change-1");
  order_is(kos::OrderStatus::kFailed, KosResultCode::kChangeProductDiscontinued);
  pass();
  auto record = store.get("change-1");
  EXPECT_EQ(record->status, ChangeStatus::kFailed);
  EXPECT_EQ(answer_for(*record), ProductStatus::kProductDiscontinued);
  EXPECT_EQ(record->kos_result_code, "2004");
  EXPECT_TRUE(cache.forgotten.empty());
}

TEST_F(ReconcilerTest, OrderNotFoundResendsTheSameRequestIdAndCompletesOnce) {
  unsettled("change-1");
  order_is(kos::OrderStatus::kNotFound);
  transport.push(KosOperation::kProductChange,
                 answer(KosResultCode::kSuccess,
                        kos::to_json(kos_changed("change-1", "LTE-BASIC-001", "5G-PREMIUM-001"))));
  auto result = pass();
  EXPECT_EQ(result.resent, 1);
  EXPECT_EQ(result.settled, 1);
  EXPECT_EQ(store.get("change-1")->status, ChangeStatus::kCompleted);
  ASSERT_EQ(transport.calls(KosOperation::kProductChange), 1);
  auto sent = transport.requests().back();
  EXPECT_NE(sent.body.find("\"requestId\":\"change-1\""), std::string::npos) << sent.body;
  EXPECT_NE(sent.body.find("\"currentProductCode\":\"LTE-BASIC-001\""), std::string::npos);
  // Settled: the next pass has nothing to claim, nothing is sent again.
  clock.advance(1h);
  EXPECT_EQ(pass().claimed, 0);
  EXPECT_EQ(transport.calls(KosOperation::kProductChange), 1);
  EXPECT_EQ(store.settles(), 1);
}

TEST_F(ReconcilerTest, ResentChangeRefusedByKosSettlesFailed) {
  unsettled("change-1");
  order_is(kos::OrderStatus::kNotFound);
  transport.push(KosOperation::kProductChange, answer(KosResultCode::kChangeLineInactive));
  pass();
  auto record = store.get("change-1");
  EXPECT_EQ(record->status, ChangeStatus::kFailed);
  EXPECT_EQ(answer_for(*record), ProductStatus::kLineInactive);
}

TEST_F(ReconcilerTest, ResentChangeWithoutAnAnswerStaysPendingForTheNextPass) {
  unsettled("change-1");
  order_is(kos::OrderStatus::kNotFound);
  transport.push(KosOperation::kProductChange, failure(KosFailureKind::kTimeout));
  auto result = pass();
  EXPECT_EQ(result.waiting, 1);
  EXPECT_EQ(store.get("change-1")->status, ChangeStatus::kPending);
  // Not asked again within the same interval; asked again by a later pass.
  order_is(kos::OrderStatus::kCompleted);
  EXPECT_EQ(pass().claimed, 0);
  clock.advance(policy().interval);
  EXPECT_EQ(pass().settled, 1);
  EXPECT_EQ(store.get("change-1")->status, ChangeStatus::kCompleted);
}

TEST_F(ReconcilerTest, KosNotAnsweringTheLookupLeavesTheRecordPending) {
  unsettled("change-1");
  transport.push(KosOperation::kOrderLookup, failure(KosFailureKind::kTransport));
  auto result = pass();
  EXPECT_TRUE(result.kos_failed);
  EXPECT_EQ(store.get("change-1")->status, ChangeStatus::kPending);
  EXPECT_EQ(transport.calls(KosOperation::kProductChange), 0);
}

TEST_F(ReconcilerTest, RequestedRecordIsLeftToItsRequestUntilItIsStale) {
  unsettled("change-1", ChangeStatus::kRequested);
  EXPECT_EQ(pass().claimed, 0);
  EXPECT_EQ(transport.total_calls(), 0);
  clock.advance(policy().stale_after);
  order_is(kos::OrderStatus::kCompleted);
  EXPECT_EQ(pass().settled, 1);
  EXPECT_EQ(store.get("change-1")->status, ChangeStatus::kCompleted);
}

TEST_F(ReconcilerTest, ClaimedRecordIsNotClaimedAgainUntilItsLeaseEnds) {
  unsettled("change-1");
  // A claimer (another worker or instance) took it and died without settling.
  auto claimed = run(store.claim_next(policy().stale_after, policy().lease, info().deadline));
  ASSERT_TRUE(claimed && *claimed);
  EXPECT_EQ(pass().claimed, 0);
  clock.advance(policy().lease - 1s);
  EXPECT_EQ(pass().claimed, 0);
  clock.advance(1s);
  order_is(kos::OrderStatus::kCompleted);
  EXPECT_EQ(pass().settled, 1);
}

TEST_F(ReconcilerTest, SettledRecordsAreNeverClaimed) {
  unsettled("change-1", ChangeStatus::kCompleted);
  unsettled("change-2", ChangeStatus::kFailed);
  unsettled("change-3", ChangeStatus::kPrecheckFailed);
  clock.advance(1h);
  EXPECT_EQ(pass().claimed, 0);
  EXPECT_EQ(transport.total_calls(), 0);
}

}  // namespace
}  // namespace phonebill::product::testing
