// FieldErrors as the VALIDATION_ERROR details list, and the calendar-date check.
#include "core/validation.hpp"

#include <boost/json/object.hpp>

namespace phonebill {

boost::json::array FieldErrors::to_json() const {
  boost::json::array array;
  for (const auto& error : errors_)
    array.push_back({{"field", error.field}, {"reason", error.reason}});
  return array;
}

bool is_calendar_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (text[i] < '0' || text[i] > '9') return false;
  int month = (text[5] - '0') * 10 + (text[6] - '0');
  int day = (text[8] - '0') * 10 + (text[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

}  // namespace phonebill
