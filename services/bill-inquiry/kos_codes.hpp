// bill-inquiry's reading of KOS business codes (SPEC §5) — the one mapping per KOS
// operation it calls: a bill inquiry's 1001 no such line, 1002 line inactive, 1003 no
// bill for the month; the menu's product inquiry's 3001 no such line, 3002 line out of
// service (3003, the line's plan missing, says nothing about the line: the menu degrades
// as if KOS had failed). Entry points: bill_inquiry_status, menu_product_status.
#pragma once
#include <optional>

#include "bill_status.hpp"
#include "kos/result_code.hpp"

namespace phonebill::bill {

// A bill inquiry's business code → its status (kInternal for a code it cannot answer).
BillStatus bill_inquiry_status(kos::KosResultCode code);

// A product inquiry's business code → the menu's status; nullopt: the menu goes on.
std::optional<BillStatus> menu_product_status(kos::KosResultCode code);

}  // namespace phonebill::bill
