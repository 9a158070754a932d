// The one mapping from a KOS business code to product-change's domain status, per KOS
// operation (SPEC §6, §8): the product inquiry's 3001…3003 and the change's (and an
// order's) 2001…2005. Any other code on that operation is our bug: kInternal. KOS
// failures without a business answer go through kos::kos_refusal instead.
// Entry points: inquiry_status, change_status.
#pragma once
#include "kos/result_code.hpp"
#include "product_status.hpp"

namespace phonebill::product {

// Product inquiry: 3001 → kLineNotFound, 3002 → kLineInactive, 3003 (KOS has the line
// but not its plan: a data fault on its side, an answer and not our bug) →
// kProductNotFound.
ProductStatus inquiry_status(kos::KosResultCode code);

// Product change and order lookup: 2001 → kLineNotFound, 2002 → kLineInactive, 2003 →
// kProductNotFound, 2004 → kProductDiscontinued, 2005 → kOperatorMismatch.
ProductStatus change_status(kos::KosResultCode code);

}  // namespace phonebill::product
