// KOS-Order's inquiry rules: each fact pattern and the result code it gets.
#include "kos_rules.hpp"

#include <gtest/gtest.h>

using namespace phonebill::kos_sim;
using phonebill::kos::KosResultCode;
using phonebill::kos::LineStatus;

// Bill inquiry: unknown line, then inactive line, then missing bill, in that order.
TEST(KosRules, BillInquiryCodes) {
  EXPECT_EQ(bill_inquiry_result(std::nullopt, false), KosResultCode::kBillLineNotFound);
  EXPECT_EQ(bill_inquiry_result(LineStatus::kSuspended, true), KosResultCode::kBillLineInactive);
  EXPECT_EQ(bill_inquiry_result(LineStatus::kTerminated, false), KosResultCode::kBillLineInactive);
  EXPECT_EQ(bill_inquiry_result(LineStatus::kActive, false), KosResultCode::kBillNotFound);
  EXPECT_EQ(bill_inquiry_result(LineStatus::kActive, true), KosResultCode::kSuccess);
}

// Product inquiry answers suspended lines; only terminated lines and missing plans fail.
TEST(KosRules, ProductInquiryCodes) {
  EXPECT_EQ(product_inquiry_result(std::nullopt, false), KosResultCode::kProductLineNotFound);
  EXPECT_EQ(product_inquiry_result(LineStatus::kTerminated, true),
            KosResultCode::kProductLineNotInService);
  EXPECT_EQ(product_inquiry_result(LineStatus::kActive, false),
            KosResultCode::kProductDataUnavailable);
  EXPECT_EQ(product_inquiry_result(LineStatus::kSuspended, true), KosResultCode::kSuccess);
}
