// The pre-check rules and the catalogue views built from them: see precheck.hpp.
#include "precheck.hpp"

namespace phonebill::product {

bool Precheck::passed() const {
  for (const auto& check : checks)
    if (!check.passed) return false;
  return true;
}

std::vector<std::string> Precheck::failed_types() const {
  std::vector<std::string> failed;
  for (const auto& check : checks)
    if (!check.passed) failed.push_back(check.type);
  return failed;
}

const kos::Product* find_product(const kos::ProductList& catalogue, std::string_view code) {
  for (const auto& product : catalogue.products)
    if (product.product_code == code) return &product;
  return nullptr;
}

Precheck run_precheck(const kos::ProductInquiryResult& line, const kos::ProductList& catalogue,
                      std::string_view target_code) {
  const auto* target = find_product(catalogue, target_code);
  const auto& current = line.current_product;
  Precheck result;

  Check on_sale{std::string{kProductOnSale}, false, {}};
  if (!target) {
    on_sale.message = "존재하지 않는 상품입니다";
  } else if (target->status != kos::ProductStatus::kActive) {
    on_sale.message = "판매가 종료된 상품입니다";
  } else {
    on_sale.passed = true;
    on_sale.message = "판매 중인 상품입니다";
  }
  result.checks.push_back(std::move(on_sale));

  Check operator_match{std::string{kOperatorMatch}, false, {}};
  if (!target) {
    operator_match.message = "상품의 통신사를 확인할 수 없습니다";
  } else if (target->operator_code != current.operator_code) {
    operator_match.message = "현재 통신사(" + current.operator_code + ")의 상품이 아닙니다";
  } else {
    operator_match.passed = true;
    operator_match.message = "현재 통신사의 상품입니다";
  }
  result.checks.push_back(std::move(operator_match));

  Check active{std::string{kLineActive}, line.customer.line_status == kos::LineStatus::kActive, {}};
  active.message = active.passed ? "사용 중인 회선입니다" : "정지 또는 해지된 회선입니다";
  result.checks.push_back(std::move(active));

  Check not_current{std::string{kNotCurrentProduct}, target_code != current.product_code, {}};
  not_current.message =
      not_current.passed ? "현재 요금제와 다른 상품입니다" : "현재 사용 중인 요금제입니다";
  result.checks.push_back(std::move(not_current));
  return result;
}

Precheck run_change_precheck(const kos::ProductInquiryResult& line,
                             const kos::ProductList& catalogue, std::string_view current_code,
                             std::string_view target_code) {
  auto precheck = run_precheck(line, catalogue, target_code);
  if (current_code != line.current_product.product_code)
    precheck.checks.push_back(Check{std::string{kCurrentProductMatch}, false,
                                    "현재 요금제가 변경되었습니다. 다시 확인해 주세요"});
  return precheck;
}

std::vector<kos::Product> available_products(const kos::ProductInquiryResult& line,
                                             const kos::ProductList& catalogue) {
  std::vector<kos::Product> available;
  const auto& current = line.current_product;
  for (const auto& product : catalogue.products) {
    if (product.status != kos::ProductStatus::kActive) continue;
    if (product.operator_code != current.operator_code) continue;
    if (product.product_code == current.product_code) continue;
    available.push_back(product);
  }
  return available;
}

std::int64_t price_delta(const kos::Product& current, const kos::Product& target) {
  return target.monthly_fee - current.monthly_fee;
}

}  // namespace phonebill::product
