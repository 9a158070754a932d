// bill-inquiry's one table at the edge (issue 13): each BillStatus's HTTP answer —
// status, SPEC code and Korean text. Entry point: bill_answer.
#pragma once
#include "bill_status.hpp"
#include "http/api_error.hpp"

namespace phonebill::bill {

http::ApiError bill_answer(BillStatus status);

}  // namespace phonebill::bill
