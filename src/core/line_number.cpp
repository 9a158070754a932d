// Line number parsing, canonical form and masking (SPEC §0).
#include "core/line_number.hpp"

#include <algorithm>

namespace phonebill {
namespace {
bool all_digits(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}
}  // namespace

std::optional<std::string> normalize_line_number(std::string_view input) {
  std::string digits;
  if (input.size() == 11) {
    digits = input;
  } else if (input.size() == 13 && input[3] == '-' && input[8] == '-') {
    digits.append(input.substr(0, 3)).append(input.substr(4, 4)).append(input.substr(9, 4));
  } else {
    return std::nullopt;
  }
  if (!all_digits(digits) || digits.compare(0, 3, "010") != 0) return std::nullopt;
  return digits;
}

std::string dashed_line_number(std::string_view canonical) {
  if (canonical.size() != 11) return std::string{canonical};
  std::string dashed;
  dashed.append(canonical.substr(0, 3)).append("-").append(canonical.substr(3, 4)).append("-");
  dashed.append(canonical.substr(7, 4));
  return dashed;
}

std::string masked_line_number(std::string_view line_number) {
  auto canonical = normalize_line_number(line_number);
  if (!canonical) return "***";
  return canonical->substr(0, 3) + "-****-" + canonical->substr(7, 4);
}

}  // namespace phonebill
