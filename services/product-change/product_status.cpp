// The stored names of ProductStatus (product_changes.failure_reason): see product_status.hpp.
#include "product_status.hpp"

namespace phonebill::product {
namespace {

constexpr ProductStatus kAll[] = {
    ProductStatus::kChangeCompleted,    ProductStatus::kChangePending,
    ProductStatus::kInvalidInput,       ProductStatus::kForbidden,
    ProductStatus::kLineNotOwned,       ProductStatus::kChangeNotFound,
    ProductStatus::kLineNotFound,       ProductStatus::kLineInactive,
    ProductStatus::kProductNotFound,    ProductStatus::kProductDiscontinued,
    ProductStatus::kOperatorMismatch,   ProductStatus::kPrecheckFailed,
    ProductStatus::kChangeInProgress,   ProductStatus::kIdempotencyKeyReused,
    ProductStatus::kStorageUnavailable, ProductStatus::kKosUnavailable,
    ProductStatus::kKosTimeout,         ProductStatus::kInternal,
};

}  // namespace

std::string_view to_text(ProductStatus status) {
  switch (status) {
    case ProductStatus::kChangeCompleted:
      return "CHANGE_COMPLETED";
    case ProductStatus::kChangePending:
      return "CHANGE_PENDING";
    case ProductStatus::kInvalidInput:
      return "INVALID_INPUT";
    case ProductStatus::kForbidden:
      return "FORBIDDEN";
    case ProductStatus::kLineNotOwned:
      return "LINE_NOT_OWNED";
    case ProductStatus::kChangeNotFound:
      return "CHANGE_NOT_FOUND";
    case ProductStatus::kLineNotFound:
      return "LINE_NOT_FOUND";
    case ProductStatus::kLineInactive:
      return "LINE_INACTIVE";
    case ProductStatus::kProductNotFound:
      return "PRODUCT_NOT_FOUND";
    case ProductStatus::kProductDiscontinued:
      return "PRODUCT_DISCONTINUED";
    case ProductStatus::kOperatorMismatch:
      return "OPERATOR_MISMATCH";
    case ProductStatus::kPrecheckFailed:
      return "PRECHECK_FAILED";
    case ProductStatus::kChangeInProgress:
      return "CHANGE_IN_PROGRESS";
    case ProductStatus::kIdempotencyKeyReused:
      return "IDEMPOTENCY_KEY_REUSED";
    case ProductStatus::kStorageUnavailable:
      return "STORAGE_UNAVAILABLE";
    case ProductStatus::kKosUnavailable:
      return "KOS_UNAVAILABLE";
    case ProductStatus::kKosTimeout:
      return "KOS_TIMEOUT";
    case ProductStatus::kInternal:
      return "INTERNAL";
  }
  return "INTERNAL";
}

std::optional<ProductStatus> parse_product_status(std::string_view text) {
  for (auto status : kAll)
    if (to_text(status) == text) return status;
  return std::nullopt;
}

}  // namespace phonebill::product
