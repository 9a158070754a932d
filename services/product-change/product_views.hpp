// The JSON shapes product-change answers with (SPEC §6, docs/openapi.yaml): a product
// (allowances as text, "무제한" for unlimited), the customer block, the pre-check checks,
// a change record, and the data of each endpoint. Pure functions of domain values.
#pragma once
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <vector>

#include "change_record.hpp"
#include "kos/wire.hpp"
#include "precheck.hpp"
#include "product_service.hpp"

namespace phonebill::product {

// "무제한" for kos::kUnlimited, else the amount with its unit ("100GB", "300분", "100건").
std::string allowance_text(std::int64_t amount, std::string_view unit);

boost::json::object product_view(const kos::Product& product,
                                 std::optional<std::int64_t> price_delta = std::nullopt);
boost::json::object customer_view(const kos::Customer& customer);
// [{type, result: PASS|FAIL, message}, ...]
boost::json::array checks_view(const std::vector<Check>& checks);
// A change as GET /change/{requestId}, the change answer and history items show it; its
// resultCode / resultMessage are the answer it stands for (product_answer).
boost::json::object change_view(const ChangeRecord& record);

// GET /menu: {customer, currentProduct}.
boost::json::object menu_view(const kos::ProductInquiryResult& line);
// GET /available: {currentProductCode, currentProduct, products: [product + priceDelta]}.
boost::json::object available_view(const AvailablePlans& plans);
// POST /change/validation: {result, checks, currentProductCode, targetProductCode, priceDelta?}.
boost::json::object validation_view(const Validation& validation);

}  // namespace phonebill::product
