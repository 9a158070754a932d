// iso8601_utc_millis's text kept from line to line (see utc_millis_text.hpp).
#include "core/utc_millis_text.hpp"

#include <chrono>

#include "core/padded_digits.hpp"
#include "core/seoul_time.hpp"

namespace phonebill {

void UtcMillisText::append(std::string& out, SystemTime at) {
  const auto millis = std::chrono::floor<std::chrono::milliseconds>(at);
  const auto second = std::chrono::floor<std::chrono::seconds>(millis);
  if (second.time_since_epoch().count() != second_) {
    const auto days = std::chrono::floor<std::chrono::days>(second);
    const std::chrono::year_month_day date{days};
    const int year = int(date.year());
    // Outside four digits (never, on a working clock): the general text, uncached.
    if (year < 0 || year > 9999) {
      out.append(iso8601_utc_millis(at));
      return;
    }
    const std::chrono::hh_mm_ss time{second - days};
    char* cursor = put_padded(text_, unsigned(year), 4);
    *cursor++ = '-';
    cursor = put_padded(cursor, unsigned(date.month()), 2);
    *cursor++ = '-';
    cursor = put_padded(cursor, unsigned(date.day()), 2);
    *cursor++ = 'T';
    cursor = put_padded(cursor, unsigned(time.hours().count()), 2);
    *cursor++ = ':';
    cursor = put_padded(cursor, unsigned(time.minutes().count()), 2);
    *cursor++ = ':';
    cursor = put_padded(cursor, unsigned(time.seconds().count()), 2);
    *cursor++ = '.';
    text_[kSize - 1] = 'Z';
    second_ = second.time_since_epoch().count();
  }
  put_padded(text_ + 20, unsigned((millis - second).count()), 3);
  out.append(text_, kSize);
}

}  // namespace phonebill
