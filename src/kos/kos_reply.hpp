// What a KOS call answers, without the client: the six operations, a failure's kind, one
// attempt as the history records it, the caller's context and KosReply<T>. Plain structs,
// so code that only reads replies (history, refusal mapping, views) includes no Asio.
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/deadline.hpp"
#include "core/request_info.hpp"
#include "kos/result_code.hpp"

namespace phonebill::kos {

// The six KOS endpoints; each has its own breaker and timeout.
enum class KosOperation {
  kBillInquiry,
  kAvailableMonths,
  kProductInquiry,
  kProductList,
  kProductChange,
  kOrderLookup,
};
inline constexpr KosOperation kAllKosOperations[] = {
    KosOperation::kBillInquiry, KosOperation::kAvailableMonths, KosOperation::kProductInquiry,
    KosOperation::kProductList, KosOperation::kProductChange,   KosOperation::kOrderLookup,
};
// kos-sim's endpoint names: "bill.inquiry", "bill.months", "product.inquiry", ...
std::string_view to_string(KosOperation operation);
// Only a product change is not idempotent without its requestId (SPEC §7).
bool is_change(KosOperation operation);

enum class KosFailureKind {
  kTimeout,          // no answer within the deadline
  kTransport,        // connect failed, reset, 5xx, unparseable answer
  kSystemError,      // 9999
  kRejected,         // 9001: our request was malformed
  kCircuitOpen,      // not sent: the operation's breaker is open
  kBulkheadFull,     // not sent: too many KOS calls in flight
  kBudgetExhausted,  // not sent: the fleet's calls/s budget had no room before the deadline
};
std::string_view to_string(KosFailureKind kind);

struct KosFailure {
  KosFailureKind kind = KosFailureKind::kTransport;
  std::string message;                       // for logs and history only
  std::chrono::milliseconds retry_after{0};  // kCircuitOpen, kBudgetExhausted: when to retry
};

// A coalesced miss whose holder, another instance, did not fill the cache before our
// deadline: to the caller, as if KOS had not answered in time.
inline KosFailure fleet_fill_timed_out() {
  return KosFailure{
      KosFailureKind::kTimeout, "another instance's KOS call did not fill the cache in time", {}};
}

// One request sent (or refused) to KOS, as the history records it.
struct KosAttempt {
  int number = 1;         // 1 for the first attempt, 2.. for retries
  SystemTime started_at;  // wall time, as the history shows it
  SystemTime finished_at;
  // How long it took, on steady time (the latency metric: an NTP step between the two
  // wall readings would make it negative or an hour long).
  std::chrono::nanoseconds elapsed{0};
  std::optional<KosResultCode> result_code;  // absent when KOS gave no envelope
  std::string result_message;                // KOS's message or the failure text
  std::optional<KosFailureKind> failure;     // set when the attempt failed
  std::string circuit_state;                 // the breaker's state when admitted
};

// Who asks, for propagation (SPEC §2) and the deadline of the whole call.
struct KosCallContext {
  Deadline deadline = std::chrono::steady_clock::now() + std::chrono::seconds{30};
  std::string request_id;   // X-Request-Id
  std::string traceparent;  // W3C traceparent
};

// The context of a KOS call made while serving `request`: its deadline and its ids.
inline KosCallContext call_context_for(const RequestInfo& request) {
  return KosCallContext{request.deadline, request.http_request_id, request.traceparent};
}

// What KOS said (or why it said nothing). Exactly one of: failure set; code is a
// business error (data empty); code kSuccess with data.
template <typename T>
struct KosReply {
  std::optional<KosFailure> failure;
  KosResultCode code = KosResultCode::kSystemError;
  std::string message;
  std::optional<T> data;
  std::vector<KosAttempt> attempts;

  bool ok() const { return !failure && code == KosResultCode::kSuccess && data.has_value(); }
  bool business_error() const { return !failure && is_business_error(code); }
};

}  // namespace phonebill::kos
