// The JSON shapes bill-inquiry answers with (SPEC §5), from the domain's values: billInfo
// from a KOS bill, an inquiry's answer, the menu, and a history record. Pure functions.
// Allowances of -1 (KOS's unlimited) are shown as "무제한".
// Entry points: bill_info, shown_bill, inquiry_view, inquiry_answer_body, menu_view,
// history_item, history_item_with_bill.
#pragma once
#include <boost/json/object.hpp>

#include "bill_values.hpp"
#include "history_records.hpp"
#include "kos/wire.hpp"

namespace phonebill::bill {

boost::json::object bill_info(const kos::Bill& bill);
// KOS's bill as shown: its billInfo rendered once, to be embedded as it is.
ShownBill shown_bill(const kos::Bill& bill);
// {requestId, status: "COMPLETED", source, cachedAt?}: the answer's data without its bill.
boost::json::object inquiry_view(const InquiryAnswer& answer);
// The whole answer's body, {"success":true,"data":{<inquiry_view>,"billInfo":<the bill's
// bytes>}}, written once into text reserved for it (issue 17: no tree, no second copy of
// the bill): the bytes boost::json would serialise that document to.
std::string inquiry_answer_body(const InquiryAnswer& answer);
// {customer: {customerId, lineNumber, customerName}, availableMonths, defaultMonth, monthsSource}
boost::json::object menu_view(const BillMenu& menu);
// A history list item; with_bill adds the billInfo shown (inquiry by id).
boost::json::object history_item(const HistoryRecord& record);
boost::json::object history_item_with_bill(const HistoryRecord& record);

}  // namespace phonebill::bill
