// bill-inquiry's pure parts: month validation (SPEC §0, §5) and billInfo's shape
// (request coalescing's own tests moved with SingleFlight to tests/unit/resilience).
#include <gtest/gtest.h>

#include "bill_service.hpp"
#include "bill_views.hpp"

namespace phonebill::bill {
namespace {

const BillingMonth kCurrent{2026, 11};

std::optional<BillingMonth> check(std::optional<std::string> input, FieldErrors& errors) {
  return validate_month(input, kCurrent, errors);
}

// No month means the current one; both input forms are accepted.
TEST(ValidateMonthTest, DefaultsAndFormats) {
  FieldErrors errors;
  EXPECT_EQ(check(std::nullopt, errors), kCurrent);
  EXPECT_EQ(check("2026-10", errors), (BillingMonth{2026, 10}));
  EXPECT_EQ(check("202610", errors), (BillingMonth{2026, 10}));
  EXPECT_TRUE(errors.empty());
}

// The future, months older than 24, and other shapes are errors on inquiryMonth.
TEST(ValidateMonthTest, RejectsFutureOldAndMalformed) {
  for (const char* bad : {"2026-12", "2024-11", "2026-13", "26-11", "2026/11", ""}) {
    FieldErrors errors;
    EXPECT_FALSE(check(bad, errors)) << bad;
    ASSERT_EQ(errors.list().size(), 1u) << bad;
    EXPECT_EQ(errors.list()[0].field, "inquiryMonth");
  }
  FieldErrors errors;
  EXPECT_TRUE(check("2024-12", errors)) << "23 months back is still allowed";
}

// Unlimited allowances read "무제한"; money stays integer KRW.
TEST(BillInfoTest, ShowsUnlimitedAllowances) {
  kos::Bill bill;
  bill.line_number = "01012345678";
  bill.billing_month = kCurrent;
  bill.usage.data_mb = kos::UsageAmount{1200, kos::kUnlimited};
  bill.total_amount = 89000;
  auto info = bill_info(bill);
  EXPECT_EQ(info.at("billingMonth").as_string(), "2026-11");
  EXPECT_EQ(info.at("usage").at("data").at("allowance").as_string(), "무제한");
  EXPECT_EQ(info.at("totalAmount").as_int64(), 89000);
}

}  // namespace
}  // namespace phonebill::bill
