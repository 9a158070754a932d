// The names of bill-inquiry's value enums as the API and history spell them (see
// bill_values.hpp).
#include "bill_values.hpp"

namespace phonebill::bill {

std::string_view to_string(BillSource source) {
  switch (source) {
    case BillSource::kCache:
      return "CACHE";
    case BillSource::kKos:
      return "KOS";
    case BillSource::kStaleCache:
      return "STALE_CACHE";
  }
  return "KOS";
}

}  // namespace phonebill::bill
