// Zero-padded decimal fields written in place, for the date and month texts every answer
// and history row carries (iso8601_seoul, BillingMonth's forms): fmt::format parsed its
// format string on each call, ~1 % of bill-inquiry's CPU (issue 17). Entry: put_padded.
#pragma once
#include <cstddef>

namespace phonebill {

// Writes `value` in exactly `width` digits (the lowest ones, zero-padded) at `out` and
// returns the position after them. Callers keep `value` within `width` digits.
inline char* put_padded(char* out, unsigned value, std::size_t width) {
  for (std::size_t i = width; i > 0; --i) {
    out[i - 1] = char('0' + value % 10);
    value /= 10;
  }
  return out + width;
}

}  // namespace phonebill
