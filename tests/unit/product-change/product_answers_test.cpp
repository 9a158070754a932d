// The edge (handlers/product_answers.cpp, product_views.cpp): a change record shows the
// resultCode / resultMessage of the answer it stands for — derived from its status and
// failure reason, not stored — in KOS's words when KOS explained a refusal; a record
// written before db/product/003 (its message stored) shows exactly what it showed.
#include <gtest/gtest.h>

#include "handlers/product_answers.hpp"
#include "product_views.hpp"

namespace phonebill::product {
namespace {

ChangeRecord record_in(ChangeStatus status) {
  ChangeRecord record;
  record.request_id = "req-1";
  record.line_number = "01012345678";
  record.status = status;
  return record;
}

TEST(ChangeViewTest, CompletedChangeShowsOkWithOurMessage) {
  auto view = change_view(record_in(ChangeStatus::kCompleted));
  EXPECT_EQ(view.at("resultCode").as_string(), "OK");
  EXPECT_EQ(view.at("resultMessage").as_string(), "상품 변경이 완료되었습니다");
}

TEST(ChangeViewTest, PendingChangeShowsPending) {
  auto view = change_view(record_in(ChangeStatus::kPending));
  EXPECT_EQ(view.at("resultCode").as_string(), "PENDING");
  EXPECT_EQ(view.at("resultMessage").as_string(), "상품 변경 결과를 확인 중입니다");
}

TEST(ChangeViewTest, RequestedChangeHasNoResultYet) {
  auto view = change_view(record_in(ChangeStatus::kRequested));
  EXPECT_TRUE(view.at("resultCode").is_null());
  EXPECT_TRUE(view.at("resultMessage").is_null());
}

TEST(ChangeViewTest, ChangeKosRefusedShowsItsCodeInKosWords) {
  auto record = record_in(ChangeStatus::kFailed);
  record.failure_reason = ProductStatus::kOperatorMismatch;
  record.result_message = "다른 통신사 상품입니다.";
  auto view = change_view(record);
  EXPECT_EQ(view.at("resultCode").as_string(), "OPERATOR_MISMATCH");
  EXPECT_EQ(view.at("resultMessage").as_string(), "다른 통신사 상품입니다.");
}

TEST(ChangeViewTest, ChangeFailedForAKosOutageShowsKosUnavailable) {
  auto record = record_in(ChangeStatus::kFailed);
  record.failure_reason = ProductStatus::kKosUnavailable;
  auto view = change_view(record);
  EXPECT_EQ(view.at("resultCode").as_string(), "KOS_UNAVAILABLE");
  EXPECT_EQ(view.at("resultMessage").as_string(),
            product_answer(ProductStatus::kKosUnavailable).message);
}

TEST(ChangeViewTest, PrecheckFailureShowsItsChecks) {
  auto record = record_in(ChangeStatus::kPrecheckFailed);
  record.failure_reason = ProductStatus::kPrecheckFailed;
  record.checks = std::vector<Check>{{"LINE_ACTIVE", false, "정지 또는 해지된 회선입니다"}};
  auto view = change_view(record);
  EXPECT_EQ(view.at("resultCode").as_string(), "PRECHECK_FAILED");
  EXPECT_EQ(view.at("checks").at(0).at("result").as_string(), "FAIL");
}

// Every status has an answer; only a completed or pending change is a success.
TEST(ProductAnswerTest, OnlyCompletedAndPendingChangesAreSuccesses) {
  EXPECT_EQ(product_answer(ProductStatus::kChangeCompleted).status, 200);
  EXPECT_EQ(product_answer(ProductStatus::kChangePending).status, 202);
  EXPECT_EQ(product_answer(ProductStatus::kInvalidInput).code, "VALIDATION_ERROR");
  EXPECT_EQ(product_answer(ProductStatus::kIdempotencyKeyReused).status, 422);
  EXPECT_EQ(product_answer(ProductStatus::kChangeInProgress).status, 409);
  EXPECT_EQ(product_answer(ProductStatus::kStorageUnavailable).code, "SERVICE_UNAVAILABLE");
  EXPECT_EQ(product_answer(ProductStatus::kKosUnavailable).status, 503);
  EXPECT_EQ(product_answer(ProductStatus::kKosTimeout).status, 504);
  EXPECT_EQ(product_answer(ProductStatus::kChangeNotFound).code, "NOT_FOUND");
  EXPECT_EQ(product_answer(ProductStatus::kInternal).status, 500);
}

}  // namespace
}  // namespace phonebill::product
