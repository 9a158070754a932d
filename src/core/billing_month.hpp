// Billing months (SPEC §0): API form YYYY-MM, input also YYYYMM, KOS form YYYYMM.
#pragma once
#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace phonebill {

struct BillingMonth {
  int year = 1970;
  int month = 1;  // 1..12

  // Accepts YYYY-MM or YYYYMM with month 01..12 and year 1900..2999.
  static std::optional<BillingMonth> parse(std::string_view input);

  std::string api_form() const;  // 2026-11
  std::string kos_form() const;  // 202611
  BillingMonth plus_months(int months) const;
  // Whole months from `earlier` to this one (negative when this is earlier).
  int months_since(const BillingMonth& earlier) const;

  auto operator<=>(const BillingMonth&) const = default;
};

}  // namespace phonebill
