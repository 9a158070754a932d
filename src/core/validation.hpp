// Field-level validation results, reported as VALIDATION_ERROR.details (SPEC §2):
// a list of {field, reason} pairs, collected so one answer names every bad field.
#pragma once
#include <boost/json/array.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace phonebill {

struct FieldError {
  std::string field;
  std::string reason;
};

class FieldErrors {
 public:
  void add(std::string field, std::string reason) {
    errors_.push_back({std::move(field), std::move(reason)});
  }
  bool empty() const { return errors_.empty(); }
  const std::vector<FieldError>& list() const { return errors_; }
  // [{"field": ..., "reason": ...}, ...]
  boost::json::array to_json() const;

 private:
  std::vector<FieldError> errors_;
};

// True for a calendar-shaped date "YYYY-MM-DD" (month 1-12, day 1-31), as list filters
// take them (from/to).
bool is_calendar_date(std::string_view text);

}  // namespace phonebill
