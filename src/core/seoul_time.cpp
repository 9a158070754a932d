// Asia/Seoul dates, months and ISO-8601 text at the fixed UTC+9 offset (see seoul_time.hpp).
#include "core/seoul_time.hpp"

#include <fmt/format.h>

#include <chrono>

#include "core/padded_digits.hpp"

namespace phonebill {
namespace {
constexpr auto kSeoulOffset = std::chrono::hours{9};
}

SeoulDate seoul_date(SystemTime at) {
  auto local = std::chrono::floor<std::chrono::days>(at + kSeoulOffset);
  std::chrono::year_month_day date{local};
  return SeoulDate{int(date.year()), int(unsigned(date.month())), int(unsigned(date.day()))};
}

BillingMonth seoul_month(SystemTime at) {
  auto date = seoul_date(at);
  return BillingMonth{date.year, date.month};
}

std::string iso8601_seoul(SystemTime at) {
  auto local = std::chrono::floor<std::chrono::seconds>(at + kSeoulOffset);
  auto days = std::chrono::floor<std::chrono::days>(local);
  std::chrono::year_month_day date{days};
  std::chrono::hh_mm_ss time{local - days};
  const int year = int(date.year());
  if (year < 0 || year > 9999)  // outside what four digits show: leave it to fmt
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+09:00", year, unsigned(date.month()),
                       unsigned(date.day()), time.hours().count(), time.minutes().count(),
                       time.seconds().count());
  std::string text = "0000-00-00T00:00:00+09:00";
  char* out = put_padded(text.data(), unsigned(year), 4) + 1;
  out = put_padded(out, unsigned(date.month()), 2) + 1;
  out = put_padded(out, unsigned(date.day()), 2) + 1;
  out = put_padded(out, unsigned(time.hours().count()), 2) + 1;
  out = put_padded(out, unsigned(time.minutes().count()), 2) + 1;
  put_padded(out, unsigned(time.seconds().count()), 2);
  return text;
}

std::string iso8601_utc_millis(SystemTime at) {
  auto millis = std::chrono::floor<std::chrono::milliseconds>(at);
  auto days = std::chrono::floor<std::chrono::days>(millis);
  std::chrono::year_month_day date{days};
  std::chrono::hh_mm_ss time{millis - days};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", int(date.year()),
                     unsigned(date.month()), unsigned(date.day()), time.hours().count(),
                     time.minutes().count(), time.seconds().count(), time.subseconds().count());
}

SystemTime seoul_midnight(int year, int month, int day) {
  std::chrono::sys_days days{std::chrono::year{year} / std::chrono::month(unsigned(month)) /
                             std::chrono::day(unsigned(day))};
  return SystemTime{days} - kSeoulOffset;
}

std::string date_text(int year, int month, int day) {
  return fmt::format("{:04}-{:02}-{:02}", year, month, day);
}

}  // namespace phonebill
