// Field-level validation results, reported as VALIDATION_ERROR.details (SPEC §2):
// a list of {field, reason} pairs, collected so one answer names every bad field.
#pragma once
#include <boost/json/array.hpp>

#include <string>
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

}  // namespace phonebill
