// The SPEC §2 answer for a KOS call that got no business answer (see the header).
#include "kos/kos_api_error.hpp"

#include <boost/json/object.hpp>

namespace phonebill::kos {

http::ApiError api_error_for(const KosFailure& failure) {
  using http::common_error;
  using http::CommonError;
  switch (failure.kind) {
    case KosFailureKind::kTimeout:
      return common_error(CommonError::kKosTimeout);
    case KosFailureKind::kRejected:
      return common_error(CommonError::kInternalError);
    case KosFailureKind::kCircuitOpen: {
      auto error = common_error(CommonError::kKosUnavailable);
      error.details =
          boost::json::object{{"retryAfterSeconds", (failure.retry_after.count() + 999) / 1000}};
      return error;
    }
    default:
      return common_error(CommonError::kKosUnavailable);
  }
}

}  // namespace phonebill::kos
