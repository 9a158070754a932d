// A KOS call that got no business answer, as the domain refusal of any service whose
// status enum has kKosTimeout, kKosUnavailable and kInternal — the one mapping from
// KosFailure to domain status: timed out → kKosTimeout; circuit open → kKosUnavailable
// with retry_after (the breaker's open window left, rounded up to whole seconds); the
// fleet's KOS budget used up → kKosUnavailable with retry_after (the next window); 9001
// (our request was malformed: our bug) → kInternal; transport error, 9999 or a full
// bulkhead → kKosUnavailable. KOS business codes (1001…3003) are each operation's own.
#pragma once
#include <chrono>

#include "core/result.hpp"
#include "kos/kos_reply.hpp"

namespace phonebill::kos {

template <typename Status>
Refusal<Status> kos_refusal(const KosFailure& failure) {
  switch (failure.kind) {
    case KosFailureKind::kTimeout:
      return refuse(Status::kKosTimeout);
    case KosFailureKind::kRejected:
      return refuse(Status::kInternal);
    case KosFailureKind::kCircuitOpen:
    case KosFailureKind::kBudgetExhausted:
      return refuse(Status::kKosUnavailable,
                    std::chrono::ceil<std::chrono::seconds>(failure.retry_after));
    default:
      return refuse(Status::kKosUnavailable);
  }
}

}  // namespace phonebill::kos
