// ProductService's rules in-process (issue 13 item 2): input validation, line ownership,
// permission, each pre-check failure, the change's KOS outcomes, one change in flight
// per line, Idempotency-Key replay / reuse / expiry, KOS code mapping of the reads, and
// storage failures — with fakes for KOS, the cache and the store, on a ManualClock.
#include "product_test_support.hpp"

namespace phonebill::product::testing {
namespace {

using phonebill::fakes::answer;
using phonebill::fakes::failure;

std::vector<std::string> field_names(const Refusal<ProductStatus>& refusal) {
  std::vector<std::string> names;
  for (const auto& error : refusal.fields.list()) names.push_back(error.field);
  return names;
}

// ---- Input, permission, ownership --------------------------------------------------------

TEST_F(ProductServiceTest, MalformedCodesAndKeyAreInvalidInputNamingEachField) {
  auto refused = change(change_input("5G PREMIUM", "", std::string{"has space"}));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().status, ProductStatus::kInvalidInput);
  EXPECT_EQ(
      field_names(refused.error()),
      (std::vector<std::string>{"currentProductCode", "targetProductCode", "Idempotency-Key"}));
  EXPECT_EQ(transport.total_calls(), 0);
  EXPECT_TRUE(store.all().empty());
}

TEST_F(ProductServiceTest, MissingTargetCodeIsInvalidInput) {
  auto refused = change(ChangeInput{std::nullopt, "LTE-BASIC-001", std::nullopt, std::nullopt});
  ASSERT_FALSE(refused);
  EXPECT_EQ(field_names(refused.error()), std::vector<std::string>{"targetProductCode"});
}

TEST_F(ProductServiceTest, MalformedLineNumberIsInvalidInput) {
  auto input = change_input("LTE-BASIC-001", "5G-PREMIUM-001");
  input.line_number = "0101234";
  auto refused = change(input);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().status, ProductStatus::kInvalidInput);
  EXPECT_EQ(field_names(refused.error()), std::vector<std::string>{"lineNumber"});
}

TEST_F(ProductServiceTest, AnotherUsersLineIsLineNotOwnedAndNothingIsRecorded) {
  auto input = change_input("LTE-BASIC-001", "5G-PREMIUM-001");
  input.line_number = "010-9999-0000";
  auto refused = change(input);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().status, ProductStatus::kLineNotOwned);
  EXPECT_TRUE(store.all().empty());
}

TEST_F(ProductServiceTest, OwnLineInDashedFormIsAccepted) {
  line_cached_on("LTE-BASIC-001");
  transport.set_default(change_applied());
  auto input = change_input("LTE-BASIC-001", "5G-PREMIUM-001");
  input.line_number = "010-1234-5678";
  auto changed = change(input);
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->line_number, kLine);
}

TEST_F(ProductServiceTest, WithoutProductChangePermissionEveryUseCaseIsForbidden) {
  auto token = caller({"BILL_INQUIRY"});
  EXPECT_EQ(run(service.menu(token, info())).error().status, ProductStatus::kForbidden);
  EXPECT_EQ(run(service.available(token, info())).error().status, ProductStatus::kForbidden);
  EXPECT_EQ(run(service.validate(token, {std::nullopt, "LTE-BASIC-001"}, info())).error().status,
            ProductStatus::kForbidden);
  EXPECT_EQ(change(change_input("LTE-BASIC-001", "5G-PREMIUM-001"), token).error().status,
            ProductStatus::kForbidden);
  EXPECT_EQ(run(service.find_change(token, "any", info())).error().status,
            ProductStatus::kForbidden);
  EXPECT_EQ(run(service.history(token, {}, info())).error().status, ProductStatus::kForbidden);
  EXPECT_EQ(transport.total_calls(), 0);
}

// ---- Pre-check ----------------------------------------------------------------------------

// A change the pre-check stops: PRECHECK_FAILED with every check stored, KOS never asked.
std::vector<std::string> failed_checks_of(ProductServiceTest& test, const ChangeRecord& record) {
  std::vector<std::string> failed;
  EXPECT_EQ(record.status, ChangeStatus::kPrecheckFailed);
  EXPECT_EQ(answer_for(record), ProductStatus::kPrecheckFailed);
  EXPECT_EQ(test.transport.calls(KosOperation::kProductChange), 0);
  if (record.checks)
    for (const auto& check : *record.checks)
      if (!check.passed) failed.push_back(check.type);
  return failed;
}

TEST_F(ProductServiceTest, DiscontinuedTargetFailsProductOnSale) {
  line_cached_on("LTE-BASIC-001");
  auto changed = change(change_input("LTE-BASIC-001", "3G-OLD-001"));
  ASSERT_TRUE(changed);
  EXPECT_EQ(failed_checks_of(*this, *changed), std::vector<std::string>{"PRODUCT_ON_SALE"});
  EXPECT_EQ(store.get(changed->request_id)->checks->size(), 4u);
}

TEST_F(ProductServiceTest, OtherOperatorsPlanFailsOperatorMatch) {
  line_cached_on("LTE-BASIC-001");
  auto changed = change(change_input("LTE-BASIC-001", "SKT-5G-STD-001"));
  ASSERT_TRUE(changed);
  EXPECT_EQ(failed_checks_of(*this, *changed), std::vector<std::string>{"OPERATOR_MATCH"});
}

TEST_F(ProductServiceTest, SuspendedLineFailsLineActive) {
  line_cached_on("LTE-BASIC-001", kos::LineStatus::kSuspended);
  auto changed = change(change_input("LTE-BASIC-001", "5G-PREMIUM-001"));
  ASSERT_TRUE(changed);
  EXPECT_EQ(failed_checks_of(*this, *changed), std::vector<std::string>{"LINE_ACTIVE"});
}

TEST_F(ProductServiceTest, CurrentPlanAsTargetFailsNotCurrentProduct) {
  line_cached_on("LTE-BASIC-001");
  auto changed = change(change_input("LTE-BASIC-001", "LTE-BASIC-001"));
  ASSERT_TRUE(changed);
  EXPECT_EQ(failed_checks_of(*this, *changed), std::vector<std::string>{"NOT_CURRENT_PRODUCT"});
}

TEST_F(ProductServiceTest, PlanChangedSinceTheMenuFailsCurrentProductMatch) {
  line_cached_on("5G-STANDARD-001");
  auto changed = change(change_input("LTE-BASIC-001", "5G-PREMIUM-001"));
  ASSERT_TRUE(changed);
  EXPECT_EQ(failed_checks_of(*this, *changed), std::vector<std::string>{"CURRENT_PRODUCT_MATCH"});
}

TEST_F(ProductServiceTest, ValidationThatFailsIsAnAnswerNotARefusal) {
  line_cached_on("LTE-BASIC-001");
  auto validation = run(service.validate(caller(), {std::nullopt, "3G-OLD-001"}, info()));
  ASSERT_TRUE(validation);
  EXPECT_FALSE(validation->precheck.passed());
  EXPECT_EQ(validation->price_delta, 29000 - 39000);
  EXPECT_TRUE(store.all().empty());
}

// ---- The change and KOS's answers -------------------------------------------------------

TEST_F(ProductServiceTest, KosSuccessCompletesTheChangeAndForgetsTheLinesCache) {
  line_cached_on("LTE-BASIC-001");
  transport.set_default(change_applied());
  auto changed = change(change_input("LTE-BASIC-001", "5G-PREMIUM-001"));
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->status, ChangeStatus::kCompleted);
  EXPECT_EQ(answer_for(*changed), ProductStatus::kChangeCompleted);
  EXPECT_EQ(changed->kos_order_number, "KOS2026112500000001");
  EXPECT_EQ(changed->kos_result_code, "0000");
  EXPECT_EQ(cache.forgotten, std::vector<std::string>{kLine});
  EXPECT_FALSE(cache.lines.contains(kLine));
  // KOS got the record's id as its requestId.
  ASSERT_EQ(transport.calls(KosOperation::kProductChange), 1);
  EXPECT_NE(transport.requests().back().body.find(changed->request_id), std::string::npos);
}

TEST_F(ProductServiceTest, KosBusinessErrorFailsTheChangeWithItsStatus) {
  struct Case {
    KosResultCode code;
    ProductStatus status;
  };
  for (auto [code, status] :
       {Case{KosResultCode::kChangeLineNotFound, ProductStatus::kLineNotFound},
        Case{KosResultCode::kChangeLineInactive, ProductStatus::kLineInactive},
        Case{KosResultCode::kChangeProductNotFound, ProductStatus::kProductNotFound},
        Case{KosResultCode::kChangeProductDiscontinued, ProductStatus::kProductDiscontinued},
        Case{KosResultCode::kChangeOperatorMismatch, ProductStatus::kOperatorMismatch}}) {
    line_cached_on("LTE-BASIC-001");
    transport.push(KosOperation::kProductChange, answer(code));
    auto changed = change(change_input("LTE-BASIC-001", "5G-PREMIUM-001"));
    ASSERT_TRUE(changed) << kos::to_text(code);
    EXPECT_EQ(changed->status, ChangeStatus::kFailed) << kos::to_text(code);
    EXPECT_EQ(answer_for(*changed), status) << kos::to_text(code);
    EXPECT_EQ(changed->kos_result_code, std::string{kos::to_text(code)});
    EXPECT_EQ(changed->result_message, std::string{kos::default_message(code)});
    EXPECT_TRUE(cache.forgotten.empty());
  }
}

TEST_F(ProductServiceTest, KosTimeoutLeavesTheChangePending) {
  line_cached_on("LTE-BASIC-001");
  transport.push(KosOperation::kProductChange, failure(KosFailureKind::kTimeout));
  auto changed = change(change_input("LTE-BASIC-001", "5G-PREMIUM-001"));
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->status, ChangeStatus::kPending);
  EXPECT_EQ(answer_for(*changed), ProductStatus::kChangePending);
  EXPECT_EQ(store.get(changed->request_id)->status, ChangeStatus::kPending);
}

TEST_F(ProductServiceTest, KosSystemErrorOnEveryAttemptFailsKosUnavailable) {
  line_cached_on("LTE-BASIC-001");
  transport.push(KosOperation::kProductChange, answer(KosResultCode::kSystemError));
  auto changed = change(change_input("LTE-BASIC-001", "5G-PREMIUM-001"));
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->status, ChangeStatus::kFailed);
  EXPECT_EQ(answer_for(*changed), ProductStatus::kKosUnavailable);
  EXPECT_EQ(changed->kos_result_code, "9999");
}

TEST_F(ProductServiceTest, OpenCircuitFailsKosUnavailableAndFreesTheLine) {
  line_cached_on("LTE-BASIC-001");
  transport.push(KosOperation::kProductChange, failure(KosFailureKind::kCircuitOpen));
  auto changed = change(change_input("LTE-BASIC-001", "5G-PREMIUM-001"));
  ASSERT_TRUE(changed);
  EXPECT_EQ(answer_for(*changed), ProductStatus::kKosUnavailable);
  transport.set_default(change_applied());
  auto again = change(change_input("LTE-BASIC-001", "5G-PREMIUM-001"));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, ChangeStatus::kCompleted);
}

TEST_F(ProductServiceTest, KosDownWithNothingCachedRefusesBeforeAnythingIsRecorded) {
  cache.catalogue.reset();
  transport.set_default([](const kos::KosRequest&) { return failure(KosFailureKind::kTransport); });
  auto refused = change(change_input("LTE-BASIC-001", "5G-PREMIUM-001"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().status, ProductStatus::kKosUnavailable);
  EXPECT_TRUE(store.all().empty());
}

TEST_F(ProductServiceTest, SecondChangeWhileOneIsInFlightIsChangeInProgress) {
  line_cached_on("LTE-BASIC-001");
  transport.push(KosOperation::kProductChange, failure(KosFailureKind::kTimeout));
  ASSERT_EQ(change(change_input("LTE-BASIC-001", "5G-PREMIUM-001"))->status,
            ChangeStatus::kPending);
  auto second = change(change_input("LTE-BASIC-001", "5G-STANDARD-001"));
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().status, ProductStatus::kChangeInProgress);
  EXPECT_EQ(transport.calls(KosOperation::kProductChange), 1);
  EXPECT_EQ(store.all().size(), 1u);
}

// ---- Idempotency-Key ----------------------------------------------------------------------

TEST_F(ProductServiceTest, SameKeyReplaysTheFirstAnswerWithoutCallingKosAgain) {
  line_cached_on("LTE-BASIC-001");
  transport.set_default(change_applied());
  auto first = change(change_input("LTE-BASIC-001", "5G-PREMIUM-001", "key-1"));
  ASSERT_TRUE(first);
  line_cached_on("5G-PREMIUM-001");
  auto second = change(change_input("LTE-BASIC-001", "5G-PREMIUM-001", "key-1"));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->request_id, first->request_id);
  EXPECT_EQ(second->status, ChangeStatus::kCompleted);
  EXPECT_EQ(transport.calls(KosOperation::kProductChange), 1);
  EXPECT_EQ(store.all().size(), 1u);
}

TEST_F(ProductServiceTest, SameKeyReplaysAFailedFirstAnswerAsTheSameFailure) {
  line_cached_on("LTE-BASIC-001");
  auto first = change(change_input("LTE-BASIC-001", "LTE-BASIC-001", "key-1"));
  auto second = change(change_input("LTE-BASIC-001", "LTE-BASIC-001", "key-1"));
  ASSERT_TRUE(first && second);
  EXPECT_EQ(second->request_id, first->request_id);
  EXPECT_EQ(answer_for(*second), ProductStatus::kPrecheckFailed);
}

TEST_F(ProductServiceTest, SameKeyWithAnotherBodyIsIdempotencyKeyReused) {
  line_cached_on("LTE-BASIC-001");
  transport.set_default(change_applied());
  ASSERT_TRUE(change(change_input("LTE-BASIC-001", "5G-PREMIUM-001", "key-1")));
  auto reused = change(change_input("LTE-BASIC-001", "5G-STANDARD-001", "key-1"));
  ASSERT_FALSE(reused);
  EXPECT_EQ(reused.error().status, ProductStatus::kIdempotencyKeyReused);
  EXPECT_EQ(transport.calls(KosOperation::kProductChange), 1);
}

TEST_F(ProductServiceTest, KeyOlderThanItsTtlStartsANewChange) {
  line_cached_on("LTE-BASIC-001");
  transport.set_default(change_applied());
  auto first = change(change_input("LTE-BASIC-001", "5G-PREMIUM-001", "key-1"));
  ASSERT_TRUE(first);
  clock.advance(std::chrono::hours{24} - 1s);
  line_cached_on("5G-PREMIUM-001");
  EXPECT_EQ(change(change_input("LTE-BASIC-001", "5G-PREMIUM-001", "key-1"))->request_id,
            first->request_id);
  clock.advance(1s);
  auto later = change(change_input("5G-PREMIUM-001", "5G-STANDARD-001", "key-1"));
  ASSERT_TRUE(later);
  EXPECT_NE(later->request_id, first->request_id);
  EXPECT_EQ(later->status, ChangeStatus::kCompleted);
  EXPECT_FALSE(store.get(first->request_id)->idempotency_key);
}

TEST_F(ProductServiceTest, SameKeyWhileTheFirstIsInFlightIsChangeInProgress) {
  ChangeRecord first;
  first.request_id = "first";
  first.user_id = kUser;
  first.line_number = kLine;
  first.idempotency_key = "key-1";
  first.fingerprint = change_fingerprint(kLine, "LTE-BASIC-001", "5G-PREMIUM-001");
  store.put(first);
  auto replayed = change(change_input("LTE-BASIC-001", "5G-PREMIUM-001", "key-1"));
  ASSERT_TRUE(replayed);
  EXPECT_EQ(answer_for(*replayed), ProductStatus::kChangeInProgress);
  EXPECT_EQ(transport.total_calls(), 0);
}

// ---- Reads and KOS inquiry codes -----------------------------------------------------------

TEST_F(ProductServiceTest, ProductInquiryCodesMapToTheirStatuses) {
  struct Case {
    KosResultCode code;
    ProductStatus status;
  };
  for (auto [code, status] :
       {Case{KosResultCode::kProductLineNotFound, ProductStatus::kLineNotFound},
        Case{KosResultCode::kProductLineNotInService, ProductStatus::kLineInactive},
        Case{KosResultCode::kProductDataUnavailable, ProductStatus::kProductNotFound}}) {
    transport.push(KosOperation::kProductInquiry, answer(code));
    auto menu = run(service.menu(caller(), info()));
    ASSERT_FALSE(menu) << kos::to_text(code);
    EXPECT_EQ(menu.error().status, status) << kos::to_text(code);
  }
}

TEST_F(ProductServiceTest, ReadWhenKosTimesOutIsKosTimeout) {
  transport.push(KosOperation::kProductInquiry, failure(KosFailureKind::kTimeout));
  EXPECT_EQ(run(service.menu(caller(), info())).error().status, ProductStatus::kKosTimeout);
}

TEST_F(ProductServiceTest, MenuFromKosIsCachedForTheNextCall) {
  transport.push(KosOperation::kProductInquiry,
                 answer(KosResultCode::kSuccess, kos::to_json(line_on("LTE-BASIC-001"))));
  ASSERT_TRUE(run(service.menu(caller(), info())));
  auto again = run(service.menu(caller(), info()));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->current_product.product_code, "LTE-BASIC-001");
  EXPECT_EQ(transport.calls(KosOperation::kProductInquiry), 1);
}

TEST_F(ProductServiceTest, AvailablePlansAreSameOperatorOnSaleNotCurrentWithDeltas) {
  line_cached_on("LTE-BASIC-001");
  auto plans = run(service.available(caller(), info()));
  ASSERT_TRUE(plans);
  std::vector<std::string> codes;
  for (const auto& priced : plans->products) {
    codes.push_back(priced.product.product_code);
    EXPECT_EQ(priced.price_delta, priced.product.monthly_fee - 39000);
  }
  EXPECT_EQ(codes, (std::vector<std::string>{"5G-PREMIUM-001", "5G-STANDARD-001"}));
}

TEST_F(ProductServiceTest, AnotherUsersChangeIsNotFound) {
  ChangeRecord theirs;
  theirs.request_id = "theirs";
  theirs.user_id = "someone";
  theirs.line_number = "01099990000";
  store.put(theirs);
  EXPECT_EQ(run(service.find_change(caller(), "theirs", info())).error().status,
            ProductStatus::kChangeNotFound);
  EXPECT_EQ(run(service.find_change(caller(), "missing", info())).error().status,
            ProductStatus::kChangeNotFound);
}

TEST_F(ProductServiceTest, HistoryOfAnotherLineIsLineNotOwned) {
  HistoryQuery query;
  query.line_number = "01099990000";
  EXPECT_EQ(run(service.history(caller(), query, info())).error().status,
            ProductStatus::kLineNotOwned);
}

TEST_F(ProductServiceTest, HistoryWithAnUnknownStatusIsInvalidInput) {
  HistoryQuery query;
  query.status = "DONE";
  auto refused = run(service.history(caller(), query, info()));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().status, ProductStatus::kInvalidInput);
  EXPECT_EQ(field_names(refused.error()), std::vector<std::string>{"status"});
}

// ---- Storage --------------------------------------------------------------------------------

TEST_F(ProductServiceTest, DatabaseDownIsStorageUnavailableAndKosIsNotAsked) {
  line_cached_on("LTE-BASIC-001");
  store.set_down(true);
  auto refused = change(change_input("LTE-BASIC-001", "5G-PREMIUM-001"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().status, ProductStatus::kStorageUnavailable);
  EXPECT_EQ(transport.total_calls(), 0);
  EXPECT_EQ(run(service.find_change(caller(), "x", info())).error().status,
            ProductStatus::kStorageUnavailable);
}

}  // namespace
}  // namespace phonebill::product::testing
