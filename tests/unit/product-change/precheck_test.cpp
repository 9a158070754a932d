// Pre-check rules (SPEC §6: PRODUCT_ON_SALE, OPERATOR_MATCH, LINE_ACTIVE,
// NOT_CURRENT_PRODUCT), the plans a line may move to, price deltas, and the product view.
#include <gtest/gtest.h>

#include "precheck.hpp"
#include "product_views.hpp"

namespace phonebill::product {
namespace {

kos::Product plan(std::string code, std::string operator_code, std::int64_t fee,
                  kos::ProductStatus status = kos::ProductStatus::kActive) {
  kos::Product product;
  product.product_code = std::move(code);
  product.product_name = product.product_code + " 플랜";
  product.operator_code = std::move(operator_code);
  product.network_type = "5G";
  product.monthly_fee = fee;
  product.data_allowance_gb = kos::kUnlimited;
  product.voice_allowance_minutes = 300;
  product.sms_allowance = 100;
  product.status = status;
  return product;
}

const kos::ProductList kCatalogue{
    {plan("5G-PREMIUM-001", "KT", 89000), plan("5G-STANDARD-001", "KT", 69000),
     plan("LTE-BASIC-001", "KT", 39000),
     plan("3G-OLD-001", "KT", 29000, kos::ProductStatus::kDiscontinued),
     plan("SKT-5G-STD-001", "SKT", 55000)}};

kos::ProductInquiryResult line_on(const std::string& code,
                                  kos::LineStatus status = kos::LineStatus::kActive) {
  kos::ProductInquiryResult line;
  line.customer = kos::Customer{"C1", "홍길동", "01012345678", status};
  line.current_product = *find_product(kCatalogue, code);
  return line;
}

std::vector<std::string> failed(const Precheck& precheck) { return precheck.failed_types(); }

// An active line moving to another on-sale plan of its operator passes all four checks.
TEST(PrecheckTest, ValidChangePasses) {
  auto precheck = run_precheck(line_on("5G-STANDARD-001"), kCatalogue, "LTE-BASIC-001");
  EXPECT_TRUE(precheck.passed());
  ASSERT_EQ(precheck.checks.size(), 4u);
  EXPECT_EQ(precheck.checks[0].type, kProductOnSale);
  EXPECT_EQ(precheck.checks[3].type, kNotCurrentProduct);
}

// Each rule fails on its own, and every failing rule is reported.
TEST(PrecheckTest, EachRuleFails) {
  auto line = line_on("5G-STANDARD-001");
  EXPECT_EQ(failed(run_precheck(line, kCatalogue, "3G-OLD-001")),
            std::vector<std::string>{"PRODUCT_ON_SALE"});
  EXPECT_EQ(failed(run_precheck(line, kCatalogue, "SKT-5G-STD-001")),
            std::vector<std::string>{"OPERATOR_MATCH"});
  EXPECT_EQ(failed(run_precheck(line, kCatalogue, "5G-STANDARD-001")),
            std::vector<std::string>{"NOT_CURRENT_PRODUCT"});
  auto suspended = line_on("5G-STANDARD-001", kos::LineStatus::kSuspended);
  EXPECT_EQ(failed(run_precheck(suspended, kCatalogue, "LTE-BASIC-001")),
            std::vector<std::string>{"LINE_ACTIVE"});
  EXPECT_EQ(failed(run_precheck(suspended, kCatalogue, "NO-SUCH-001")),
            (std::vector<std::string>{"PRODUCT_ON_SALE", "OPERATOR_MATCH", "LINE_ACTIVE"}));
}

// Available: on sale, same operator, not the current plan, in catalogue order.
TEST(AvailableProductsTest, FiltersTheCatalogue) {
  auto available = available_products(line_on("5G-STANDARD-001"), kCatalogue);
  ASSERT_EQ(available.size(), 2u);
  EXPECT_EQ(available[0].product_code, "5G-PREMIUM-001");
  EXPECT_EQ(available[1].product_code, "LTE-BASIC-001");
  EXPECT_TRUE(available_products(line_on("SKT-5G-STD-001"), kCatalogue).empty());
}

// The price delta is the target's fee minus the current one.
TEST(AvailableProductsTest, PriceDeltaIsSigned) {
  auto current = *find_product(kCatalogue, "5G-STANDARD-001");
  EXPECT_EQ(price_delta(current, *find_product(kCatalogue, "5G-PREMIUM-001")), 20000);
  EXPECT_EQ(price_delta(current, *find_product(kCatalogue, "LTE-BASIC-001")), -30000);
}

// Allowances are text, "무제한" for KOS's -1; the view carries onSale and priceDelta.
TEST(ProductViewTest, AllowancesAsText) {
  auto view = product_view(*find_product(kCatalogue, "3G-OLD-001"), -40000);
  EXPECT_EQ(view.at("dataAllowance").as_string(), "무제한");
  EXPECT_EQ(view.at("voiceAllowance").as_string(), "300분");
  EXPECT_EQ(view.at("smsAllowance").as_string(), "100건");
  EXPECT_FALSE(view.at("onSale").as_bool());
  EXPECT_EQ(view.at("priceDelta").as_int64(), -40000);
  EXPECT_FALSE(product_view(kCatalogue.products[0]).contains("priceDelta"));
}

}  // namespace
}  // namespace phonebill::product
