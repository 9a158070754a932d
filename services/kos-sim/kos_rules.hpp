// KOS-Order's business rules as pure functions (unit-tested without a database):
// which result code a bill inquiry, a product inquiry or a product change gets from
// the facts the store found.
#pragma once
#include <optional>
#include <string>

#include "kos/result_code.hpp"
#include "kos/wire.hpp"

namespace phonebill::kos_sim {

// 1001 no line, 1002 line not ACTIVE, 1003 no bill that month, else 0000.
kos::KosResultCode bill_inquiry_result(std::optional<kos::LineStatus> line_status, bool bill_exists);

// 3001 no line, 3002 line terminated, 3003 the line's plan is missing, else 0000.
// A SUSPENDED line is answered: callers see its status and refuse changes themselves.
kos::KosResultCode product_inquiry_result(std::optional<kos::LineStatus> line_status,
                                          bool product_exists);

struct ChangeFacts {
  std::optional<kos::LineStatus> line_status;  // nullopt: no such line
  std::string line_operator;
  std::optional<kos::ProductStatus> target_status;  // nullopt: no such product
  std::string target_operator;
};

// 2001 no line, 2002 line not ACTIVE, 2003 unknown target, 2004 discontinued target,
// 2005 target of another operator, else 0000 (checked in that order).
kos::KosResultCode product_change_result(const ChangeFacts& facts);

// The first day of the month after `today` (YYYY-MM-DD): when a change takes effect.
std::string effective_date_after(int year, int month);

}  // namespace phonebill::kos_sim
