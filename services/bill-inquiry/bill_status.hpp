// bill-inquiry's one status enum (issue 13): why a use case gave no value, in domain
// words. The edge maps each to its HTTP answer (handlers/bill_answers.cpp); the history
// row of a failed inquiry keeps its name (to_string), never an HTTP status.
// Entry points: BillStatus, to_string.
#pragma once
#include <string_view>

namespace phonebill::bill {

enum class BillStatus {
  kForbidden,           // the token lacks BILL_INQUIRY
  kInvalidInput,        // field errors (month, line number, history filters)
  kLineNotOwned,        // another customer's line
  kLineNotFound,        // KOS: no such line (1001; menu: 3001)
  kLineInactive,        // KOS: line suspended or terminated (1002; menu: 3002)
  kBillNotFound,        // KOS: no bill for that month (1003)
  kNotFound,            // no such inquiry (another user's looks the same)
  kStorageUnavailable,  // the history could not be committed or read
  kKosUnavailable,      // KOS unreachable, circuit open, no KOS place free, 9999
  kKosTimeout,          // KOS did not answer in time
  kInternal,            // our bug (KOS rejected our request, a code we do not know)
};

// The name history keeps: "FORBIDDEN", "VALIDATION_ERROR", "LINE_NOT_OWNED",
// "LINE_NOT_FOUND", "LINE_INACTIVE", "BILL_NOT_FOUND", "NOT_FOUND", "SERVICE_UNAVAILABLE",
// "KOS_UNAVAILABLE", "KOS_TIMEOUT", "INTERNAL_ERROR" (the SPEC codes' words, so rows
// written before and after this enum read alike).
std::string_view to_string(BillStatus status);

// A short English description for the history row's summary.
std::string_view describe(BillStatus status);

}  // namespace phonebill::bill
