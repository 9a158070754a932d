// The edge between a domain Refusal and its SPEC §2 answer. Each service keeps one table
// (a function from its status enum to an ApiError: HTTP status, code, Korean text); this
// adds what the refusal carries — the field errors as VALIDATION_ERROR's details list,
// retry_after as details.retryAfterSeconds (respond turns it into Retry-After). Entry
// points: refusal_error, respond_refusal.
#pragma once
#include <chrono>
#include <optional>

#include "core/result.hpp"
#include "http/api_error.hpp"
#include "http/outcome.hpp"

namespace phonebill::http {

ApiError refusal_error(ApiError answer, const FieldErrors& fields,
                       std::optional<std::chrono::seconds> retry_after);

template <typename Status>
ApiError refusal_error(const Refusal<Status>& refusal, ApiError (*table)(Status)) {
  return refusal_error(table(refusal.status), refusal.fields, refusal.retry_after);
}

// The error envelope for `refusal` (Cache-Control: no-store; every 503 has Retry-After).
template <typename Status>
Response respond_refusal(const Request& request, const Refusal<Status>& refusal,
                         ApiError (*table)(Status)) {
  return respond(request, Failure{refusal_error(refusal, table)});
}

}  // namespace phonebill::http
