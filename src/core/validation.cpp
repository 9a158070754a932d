#include "core/validation.hpp"

#include <boost/json/object.hpp>

namespace phonebill {

boost::json::array FieldErrors::to_json() const {
  boost::json::array array;
  for (const auto& error : errors_) array.push_back({{"field", error.field}, {"reason", error.reason}});
  return array;
}

}  // namespace phonebill
