// The SPEC §2 answer for a KOS call that got no business answer, shared by every service
// that calls KOS: timed out → 504 KOS_TIMEOUT; circuit open → 503 KOS_UNAVAILABLE with
// details.retryAfterSeconds (http::respond makes it Retry-After); transport error, 9999
// or a full bulkhead → 503 KOS_UNAVAILABLE (Retry-After: respond's default 1 s); 9001
// (our bug) → 500 INTERNAL_ERROR. Business codes (1001…3003) are mapped by each service.
#pragma once
#include "http/api_error.hpp"
#include "kos/kos_reply.hpp"

namespace phonebill::kos {

http::ApiError api_error_for(const KosFailure& failure);

}  // namespace phonebill::kos
