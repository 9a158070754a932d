// The rules a plan change must pass before KOS is asked (SPEC §6, UFR-PROD-030), and the
// catalogue views built from the same data: which plans a line may move to and what they
// cost compared with its current one. Pure C++ over KOS wire types; unit-tested.
// Entry points: run_precheck, run_change_precheck, available_products, price_delta.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kos/wire.hpp"

namespace phonebill::product {

// Check types, in the order they are reported.
inline constexpr std::string_view kProductOnSale = "PRODUCT_ON_SALE";
inline constexpr std::string_view kOperatorMatch = "OPERATOR_MATCH";
inline constexpr std::string_view kLineActive = "LINE_ACTIVE";
inline constexpr std::string_view kNotCurrentProduct = "NOT_CURRENT_PRODUCT";
// A change only: the plan the user saw is still the line's plan.
inline constexpr std::string_view kCurrentProductMatch = "CURRENT_PRODUCT_MATCH";

struct Check {
  std::string type;
  bool passed = false;
  std::string message;  // Korean, for the user
};

struct Precheck {
  std::vector<Check> checks;
  bool passed() const;
  std::vector<std::string> failed_types() const;
};

// The product with `code` in the catalogue, or nullptr.
const kos::Product* find_product(const kos::ProductList& catalogue, std::string_view code);

// Every check for moving `line` to `target_code`: on sale (known and ACTIVE), same
// operator as the current plan, line ACTIVE, not the current plan. All four are always
// reported, so the user sees every reason at once.
Precheck run_precheck(const kos::ProductInquiryResult& line, const kos::ProductList& catalogue,
                      std::string_view target_code);

// A change's pre-check: run_precheck, plus CURRENT_PRODUCT_MATCH (failed only) when
// `current_code` — the plan the user saw — is no longer the line's plan (an old menu).
Precheck run_change_precheck(const kos::ProductInquiryResult& line,
                             const kos::ProductList& catalogue, std::string_view current_code,
                             std::string_view target_code);

// The plans `line` may move to: on sale, the current plan's operator, not the current
// plan; in catalogue order.
std::vector<kos::Product> available_products(const kos::ProductInquiryResult& line,
                                             const kos::ProductList& catalogue);

// KRW per month the target costs more (positive) or less (negative) than the current plan.
std::int64_t price_delta(const kos::Product& current, const kos::Product& target);

}  // namespace phonebill::product
