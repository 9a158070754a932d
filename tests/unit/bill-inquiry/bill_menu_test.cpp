// BillService::menu (SPEC §5): customer and months from KOS, the product inquiry's line
// codes, the local fallback months, and caching only a complete answer.
#include "bill_service_fixture.hpp"

namespace phonebill::bill {
namespace {

using phonebill::fakes::answer;
using phonebill::fakes::failure;

kos::KosExchange product_answer() {
  kos::ProductInquiryResult result;
  result.customer = kos::Customer{"C-KOS-1", "홍길동", kLine, kos::LineStatus::kActive};
  result.current_product.product_code = "5G-PREMIUM-001";
  result.current_product.product_name = "5G 프리미엄 플랜";
  result.current_product.operator_code = "KT";
  result.current_product.network_type = "5G";
  result.current_product.monthly_fee = 89000;
  result.current_product.description = "5G";
  return answer(kos::KosResultCode::kSuccess, kos::to_json(result));
}

kos::KosExchange months_answer(std::vector<BillingMonth> months) {
  return answer(kos::KosResultCode::kSuccess,
                kos::to_json(kos::AvailableMonths{kLine, std::move(months)}));
}

class BillMenuTest : public BillServiceTest {
 protected:
  Result<BillMenu, BillStatus> menu(security::VerifiedToken who = caller()) {
    return run(service_.menu(std::move(who), info()));
  }
};

// KOS's customer and months, newest first; the current month is the default.
TEST_F(BillMenuTest, ShowsKosCustomerAndMonths) {
  kos_.push(kos::KosOperation::kProductInquiry, product_answer());
  kos_.push(kos::KosOperation::kAvailableMonths,
            months_answer({kCurrentMonth, kCurrentMonth.plus_months(-1)}));
  auto menu = this->menu();
  ASSERT_TRUE(menu);
  EXPECT_EQ(menu->customer_id, "C-KOS-1");
  EXPECT_EQ(menu->customer_name, "홍길동");
  EXPECT_EQ(menu->available_months,
            (std::vector<BillingMonth>{kCurrentMonth, kCurrentMonth.plus_months(-1)}));
  EXPECT_EQ(menu->default_month, kCurrentMonth);
  EXPECT_EQ(menu->months_source, MonthsSource::kKos);
}

// KOS's available months failing: the last six months computed locally.
TEST_F(BillMenuTest, MonthsFallBackToLocalWhenKosMonthsFail) {
  kos_.push(kos::KosOperation::kProductInquiry, product_answer());
  kos_.push(kos::KosOperation::kAvailableMonths, failure(kos::KosFailureKind::kTransport));
  auto menu = this->menu();
  ASSERT_TRUE(menu);
  EXPECT_EQ(menu->months_source, MonthsSource::kLocal);
  ASSERT_EQ(menu->available_months.size(), std::size_t(kMenuFallbackMonths));
  EXPECT_EQ(menu->available_months.front(), kCurrentMonth);
  EXPECT_EQ(menu->available_months.back(), kCurrentMonth.plus_months(-5));
}

// Only a complete answer is cached: after a fallback KOS is asked again, after a
// complete one it is not.
TEST_F(BillMenuTest, CachedOnlyWhenComplete) {
  kos_.push(kos::KosOperation::kProductInquiry, product_answer());
  kos_.push(kos::KosOperation::kAvailableMonths, failure(kos::KosFailureKind::kTimeout));
  ASSERT_TRUE(menu());
  EXPECT_TRUE(cache_.menus.empty());
  kos_.push(kos::KosOperation::kProductInquiry, product_answer());
  kos_.push(kos::KosOperation::kAvailableMonths, months_answer({kCurrentMonth}));
  auto complete = menu();
  ASSERT_TRUE(complete);
  EXPECT_EQ(cache_.menus.size(), 1u);
  int calls = kos_.total_calls();
  auto cached = menu();
  ASSERT_TRUE(cached);
  EXPECT_EQ(*cached, *complete);
  EXPECT_EQ(kos_.total_calls(), calls);
}

// A current month KOS does not list: the newest month it lists is the default.
TEST_F(BillMenuTest, DefaultIsTheNewestListedMonthWhenTheCurrentIsMissing) {
  kos_.push(kos::KosOperation::kProductInquiry, product_answer());
  kos_.push(kos::KosOperation::kAvailableMonths, months_answer({kCurrentMonth.plus_months(-1)}));
  auto menu = this->menu();
  ASSERT_TRUE(menu);
  EXPECT_EQ(menu->default_month, kCurrentMonth.plus_months(-1));
}

// The product inquiry's line codes refuse: 3001 no such line, 3002 out of service; 3003
// (plan missing) only loses the customer's name.
TEST_F(BillMenuTest, ProductInquiryLineCodesRefuse) {
  kos_.push(kos::KosOperation::kProductInquiry, answer(kos::KosResultCode::kProductLineNotFound));
  EXPECT_EQ(menu().error().status, BillStatus::kLineNotFound);
  kos_.push(kos::KosOperation::kProductInquiry,
            answer(kos::KosResultCode::kProductLineNotInService));
  EXPECT_EQ(menu().error().status, BillStatus::kLineInactive);
  kos_.push(kos::KosOperation::kProductInquiry,
            answer(kos::KosResultCode::kProductDataUnavailable));
  kos_.push(kos::KosOperation::kAvailableMonths, months_answer({kCurrentMonth}));
  auto degraded = menu();
  ASSERT_TRUE(degraded);
  EXPECT_FALSE(degraded->customer_name);
  EXPECT_EQ(degraded->customer_id, "C-user01");
  EXPECT_TRUE(cache_.menus.empty());
}

// A token without BILL_INQUIRY is forbidden.
TEST_F(BillMenuTest, MissingPermissionIsForbidden) {
  auto who = caller();
  who.permissions.clear();
  EXPECT_EQ(menu(who).error().status, BillStatus::kForbidden);
  EXPECT_EQ(kos_.total_calls(), 0);
}

}  // namespace
}  // namespace phonebill::bill
