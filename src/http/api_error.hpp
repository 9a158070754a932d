// The one place that turns an error into an HTTP answer (STYLE §5): a status, a
// SPEC §2 code, the Korean text users see, optional details. Services add their own
// codes (AUTH_001, ...) as ApiError values; the common ones are listed here.
#pragma once
#include <boost/json/value.hpp>

#include <functional>
#include <string>

#include "core/validation.hpp"
#include "http/request.hpp"
#include "http/response.hpp"

namespace phonebill::http {

struct ApiError {
  int status = 500;
  std::string code;
  std::string message;         // user-facing (Korean)
  boost::json::value details;  // null when absent
};

enum class CommonError {
  kValidationError,
  kInvalidJson,
  kPayloadTooLarge,
  kHeadersTooLarge,
  kUnauthorized,
  kTokenExpired,
  kTokenRevoked,
  kForbidden,
  kLineNotOwned,
  kNotFound,
  kMethodNotAllowed,
  kRateLimited,
  kServiceUnavailable,
  kUpstreamTimeout,
  kKosUnavailable,
  kKosTimeout,
  kInternalError,
};

ApiError common_error(CommonError error, boost::json::value details = nullptr);
// VALIDATION_ERROR with details = [{field, reason}, ...].
ApiError validation_error(const FieldErrors& errors);
ApiError validation_error(std::string field, std::string reason);

// {"success": false, "error": {code, message, details?, traceId, timestamp}}
Response error_response(const Request& request, const ApiError& error);

// Renders errors the server itself produces (404, 405, 413, 431, 500). The default is
// error_response (the SPEC §2 envelope); kos-sim swaps in KOS's legacy envelope.
using ErrorRenderer = std::function<Response(const Request&, const ApiError&)>;

}  // namespace phonebill::http
