// KOS-Order result codes (SPEC §7, §8): the one list both kos-sim and the KOS clients
// use. Entry points: to_text / parse_result_code for the wire form ("0000"),
// default_message for the Korean resultMessage, and classify / is_business_error /
// counts_as_failure / is_retryable for what a caller does with an answer.
#pragma once
#include <optional>
#include <string_view>

namespace phonebill::kos {

enum class KosResultCode {
  kSuccess,                    // 0000
  kBillLineNotFound,           // 1001 bill inquiry: no such line
  kBillLineInactive,           // 1002 bill inquiry: line not ACTIVE
  kBillNotFound,               // 1003 bill inquiry: no bill for that month
  kChangeLineNotFound,         // 2001 product change: no such line
  kChangeLineInactive,         // 2002 product change: line not ACTIVE
  kChangeProductNotFound,      // 2003 product change: unknown target product
  kChangeProductDiscontinued,  // 2004 product change: target no longer on sale
  kChangeOperatorMismatch,     // 2005 product change: target of another operator
  kProductLineNotFound,        // 3001 product inquiry: no such line
  kProductLineNotInService,    // 3002 product inquiry: line terminated
  kProductDataUnavailable,     // 3003 product inquiry: the line's plan is missing
  kInvalidRequest,             // 9001 malformed request (HTTP 400)
  kSystemError,                // 9999 KOS system error
};

// How a caller treats an answer (SPEC §7).
enum class KosOutcome {
  kSuccess,        // 0000
  kBusinessError,  // 1001…3003: a valid answer; never trips a breaker, never retried
  kRejected,       // 9001: our request was malformed; a bug on our side, not KOS failing
  kSystemError,    // 9999: counts as a failure for the breaker and may be retried
};

// Every code, in numeric order (for tests and documentation).
inline constexpr KosResultCode kAllKosResultCodes[] = {
    KosResultCode::kSuccess,
    KosResultCode::kBillLineNotFound,
    KosResultCode::kBillLineInactive,
    KosResultCode::kBillNotFound,
    KosResultCode::kChangeLineNotFound,
    KosResultCode::kChangeLineInactive,
    KosResultCode::kChangeProductNotFound,
    KosResultCode::kChangeProductDiscontinued,
    KosResultCode::kChangeOperatorMismatch,
    KosResultCode::kProductLineNotFound,
    KosResultCode::kProductLineNotInService,
    KosResultCode::kProductDataUnavailable,
    KosResultCode::kInvalidRequest,
    KosResultCode::kSystemError,
};

// The four-digit wire form, e.g. "1003".
std::string_view to_text(KosResultCode code);

// The code for a four-digit wire form; nullopt for any text that is not a known code.
std::optional<KosResultCode> parse_result_code(std::string_view text);

// KOS's Korean resultMessage for the code (the text kos-sim sends by default).
std::string_view default_message(KosResultCode code);

KosOutcome classify(KosResultCode code);

// 1001…3003: the request was understood and answered "no" (SPEC §7: answers, not failures).
bool is_business_error(KosResultCode code);

// Whether the answer counts as a failure for a circuit breaker (9999 only; timeouts,
// transport errors and 5xx are counted by the client separately).
bool counts_as_failure(KosResultCode code);

// Whether the same request may be sent again (9999 only, SPEC §7).
bool is_retryable(KosResultCode code);

// The HTTP status kos-sim answers with: 400 for 9001, 200 for everything else
// (KOS's legacy contract answers business and system errors with HTTP 200).
int http_status(KosResultCode code);

}  // namespace phonebill::kos
