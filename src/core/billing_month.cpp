// BillingMonth parsing (YYYY-MM, YYYYMM), arithmetic and its API/KOS forms (SPEC §0).
#include "core/billing_month.hpp"

#include "core/padded_digits.hpp"

namespace phonebill {
namespace {
std::optional<int> parse_digits(std::string_view text) {
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}
}  // namespace

std::optional<BillingMonth> BillingMonth::parse(std::string_view input) {
  std::string_view year_text, month_text;
  if (input.size() == 7 && input[4] == '-') {
    year_text = input.substr(0, 4);
    month_text = input.substr(5, 2);
  } else if (input.size() == 6) {
    year_text = input.substr(0, 4);
    month_text = input.substr(4, 2);
  } else {
    return std::nullopt;
  }
  auto year = parse_digits(year_text);
  auto month = parse_digits(month_text);
  if (!year || !month || *year < 1900 || *year > 2999 || *month < 1 || *month > 12)
    return std::nullopt;
  return BillingMonth{*year, *month};
}

// parse() admits years 1900..2999 and months 1..12; plus_months keeps four-digit years
// for any month a person could ask for.
std::string BillingMonth::api_form() const {
  std::string text(7, '-');
  put_padded(text.data(), unsigned(year), 4);
  put_padded(text.data() + 5, unsigned(month), 2);
  return text;
}

std::string BillingMonth::kos_form() const {
  std::string text(6, '0');
  put_padded(put_padded(text.data(), unsigned(year), 4), unsigned(month), 2);
  return text;
}

BillingMonth BillingMonth::plus_months(int months) const {
  int index = year * 12 + (month - 1) + months;
  int new_year = index / 12;
  int new_month = index % 12;
  if (new_month < 0) {
    new_month += 12;
    new_year -= 1;
  }
  return BillingMonth{new_year, new_month + 1};
}

int BillingMonth::months_since(const BillingMonth& earlier) const {
  return (year * 12 + month) - (earlier.year * 12 + earlier.month);
}

}  // namespace phonebill
