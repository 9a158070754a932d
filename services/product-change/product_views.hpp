// The JSON shapes product-change answers with (SPEC §6, docs/openapi.yaml): a product
// (allowances as text, "무제한" for unlimited), the customer block, the pre-check checks,
// a change record and SPEC §2 pagination. Pure functions of wire types and records.
#pragma once
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>

#include "change_store.hpp"
#include "kos/wire.hpp"
#include "precheck.hpp"

namespace phonebill::product {

// "무제한" for kos::kUnlimited, else the amount with its unit ("100GB", "300분", "100건").
std::string allowance_text(std::int64_t amount, std::string_view unit);

boost::json::object product_view(const kos::Product& product,
                                 std::optional<std::int64_t> price_delta = std::nullopt);
boost::json::object customer_view(const kos::Customer& customer);
// [{type, result: PASS|FAIL, message}, ...]
boost::json::array checks_view(const Precheck& precheck);
// A change as GET /change/{requestId}, the change answer and history items show it.
boost::json::object change_view(const ChangeRecord& record);

}  // namespace phonebill::product
