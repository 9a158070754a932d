// What a product-change use case ends in, in domain words (issue 13): the one status
// enum of the area. Handlers map each to an HTTP answer in one table
// (handlers/product_answers.cpp); the database keeps the failure reasons by name
// (product_changes.failure_reason). Entry points: ProductStatus, to_text,
// parse_product_status.
#pragma once
#include <optional>
#include <string_view>

namespace phonebill::product {

enum class ProductStatus {
  kChangeCompleted,       // the change is done (KOS 0000)
  kChangePending,         // KOS did not answer in time: the reconciler settles it
  kInvalidInput,          // malformed codes, key or filters (the fields say which)
  kForbidden,             // no PRODUCT_CHANGE permission
  kLineNotOwned,          // another user's line
  kChangeNotFound,        // no such change of this user
  kLineNotFound,          // KOS 2001 / 3001
  kLineInactive,          // KOS 2002 / 3002
  kProductNotFound,       // KOS 2003 / 3003
  kProductDiscontinued,   // KOS 2004
  kOperatorMismatch,      // KOS 2005
  kPrecheckFailed,        // a pre-check rule failed; KOS was not asked
  kChangeInProgress,      // the line has a change in flight
  kIdempotencyKeyReused,  // the same key with another body
  kStorageUnavailable,    // the database did not answer
  kKosUnavailable,        // KOS down, 9999 on every attempt, circuit open, bulkhead full
  kKosTimeout,            // KOS did not answer a read in time
  kInternal,              // our bug (KOS 9001, an unknown KOS code)
};

// "KOS_UNAVAILABLE", "LINE_INACTIVE", ... (the stored form of a failure reason).
std::string_view to_text(ProductStatus status);
std::optional<ProductStatus> parse_product_status(std::string_view text);

}  // namespace phonebill::product
