// The fields a validation refusal names, as one "a;b;" string: lets a test compare the
// whole list (order included) in one EXPECT_EQ.
#pragma once
#include <string>

#include "core/validation.hpp"

namespace phonebill::test_support {

inline std::string fields_of(const FieldErrors& errors) {
  std::string fields;
  for (const auto& error : errors.list()) fields += error.field + ";";
  return fields;
}

}  // namespace phonebill::test_support
