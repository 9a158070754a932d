// product-change's own error codes (SPEC §2, §6) as ApiError values: the one table of
// status + code + Korean user text. Common codes come from http/api_error.hpp.
#pragma once
#include <boost/json/value.hpp>

#include <string_view>

#include "http/api_error.hpp"

namespace phonebill::product {

enum class ProductError {
  kPrecheckFailed,        // 409 PRECHECK_FAILED, details: the checks
  kProductNotFound,       // 404 PRODUCT_NOT_FOUND
  kProductDiscontinued,   // 409 PRODUCT_DISCONTINUED
  kOperatorMismatch,      // 409 OPERATOR_MISMATCH
  kLineInactive,          // 409 LINE_INACTIVE
  kLineNotFound,          // 404 LINE_NOT_FOUND
  kChangeInProgress,      // 409 CHANGE_IN_PROGRESS
  kIdempotencyKeyReused,  // 422 IDEMPOTENCY_KEY_REUSED
};

http::ApiError product_error(ProductError error, boost::json::value details = nullptr);

// The ApiError stored in a record as (status, code, message) — for replays and lookups.
http::ApiError stored_error(int status, std::string_view code, std::string_view message,
                            boost::json::value details = nullptr);

}  // namespace phonebill::product
