// The JSON shapes bill-inquiry answers with (SPEC §5): billInfo from a KOS bill, a
// history record, and the SPEC §2 page object. Pure functions. Allowances of -1
// (KOS's unlimited) are shown as "무제한".
#pragma once
#include <boost/json/object.hpp>

#include "history_store.hpp"
#include "kos/wire.hpp"

namespace phonebill::bill {

boost::json::object bill_info(const kos::Bill& bill);
boost::json::object history_item(const HistoryRecord& record, bool with_bill);

}  // namespace phonebill::bill
