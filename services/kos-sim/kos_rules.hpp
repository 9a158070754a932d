// KOS-Order's inquiry rules as pure functions (unit-tested without a database): which
// result code a bill or product inquiry gets from the facts the store found. The
// change rules (2001…2005) run inside the database, atomically with the order
// (db/kos/004_change_product.sql).
#pragma once
#include <optional>

#include "kos/result_code.hpp"
#include "kos/wire.hpp"

namespace phonebill::kos_sim {

// 1001 no line, 1002 line not ACTIVE, 1003 no bill that month, else 0000.
kos::KosResultCode bill_inquiry_result(std::optional<kos::LineStatus> line_status,
                                       bool bill_exists);

// 3001 no line, 3002 line terminated, 3003 the line's plan is missing, else 0000.
// A SUSPENDED line is answered: callers see its status and refuse changes themselves.
kos::KosResultCode product_inquiry_result(std::optional<kos::LineStatus> line_status,
                                          bool product_exists);

}  // namespace phonebill::kos_sim
