// Billing months: parsing both input forms, arithmetic, API and KOS forms.
#include "core/billing_month.hpp"

#include <gtest/gtest.h>

using phonebill::BillingMonth;

// Both input forms parse; outputs use the API and KOS forms.
TEST(BillingMonth, ParsesBothForms) {
  auto dashed = BillingMonth::parse("2026-11");
  auto compact = BillingMonth::parse("202611");
  ASSERT_TRUE(dashed && compact);
  EXPECT_EQ(*dashed, *compact);
  EXPECT_EQ(dashed->api_form(), "2026-11");
  EXPECT_EQ(dashed->kos_form(), "202611");
  EXPECT_EQ((BillingMonth{1905, 3}).api_form(), "1905-03");
  EXPECT_EQ((BillingMonth{1905, 3}).kos_form(), "190503");
  EXPECT_EQ((BillingMonth{2999, 12}).api_form(), "2999-12");
}

// Month 00, 13, short years and stray characters are rejected.
TEST(BillingMonth, RejectsBadMonths) {
  for (const char* bad : {"2026-13", "2026-00", "202600", "2026/11", "26-11", "2026-1", "20261",
                          "abcd-ef", "2026-11-01", ""})
    EXPECT_FALSE(BillingMonth::parse(bad)) << bad;
}

// Month arithmetic crosses year boundaries both ways.
TEST(BillingMonth, AddsAndSubtractsMonths) {
  BillingMonth november{2026, 11};
  EXPECT_EQ(november.plus_months(2), (BillingMonth{2027, 1}));
  EXPECT_EQ(november.plus_months(-11), (BillingMonth{2025, 12}));
  EXPECT_EQ(november.plus_months(-23), (BillingMonth{2024, 12}));
  EXPECT_EQ(november.months_since(BillingMonth{2024, 12}), 23);
  EXPECT_LT((BillingMonth{2025, 12}), november);
}
