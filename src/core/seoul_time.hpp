// Asia/Seoul wall-clock arithmetic. Korea has kept UTC+9 without daylight saving
// since 1988, so a fixed offset is exact for every date this system handles and
// does not depend on the server's zone or tzdata.
#pragma once
#include <string>

#include "core/billing_month.hpp"
#include "core/clock.hpp"

namespace phonebill {

struct SeoulDate {
  int year;
  int month;
  int day;
};

SeoulDate seoul_date(SystemTime at);
BillingMonth seoul_month(SystemTime at);
// 2026-11-25T09:30:00+09:00 (seconds precision).
std::string iso8601_seoul(SystemTime at);
// 2026-11-25T09:30:00.123Z, for logs.
std::string iso8601_utc_millis(SystemTime at);
// Midnight Seoul time of the given date, as a time point.
SystemTime seoul_midnight(int year, int month, int day);
// YYYY-MM-DD
std::string date_text(int year, int month, int day);

}  // namespace phonebill
