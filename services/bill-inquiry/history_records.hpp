// bill-inquiry's history as the domain sees it (SPEC §5): what an inquiry writes — its
// request row and one row per KOS call — and what a stored request reads back as.
// Entry points: HistoryEntry, KosCallRecord, HistoryRecord.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "bill_values.hpp"
#include "core/clock.hpp"
#include "kos/kos_reply.hpp"

namespace phonebill::bill {

struct KosCallRecord {
  kos::KosOperation operation = kos::KosOperation::kBillInquiry;
  kos::KosAttempt attempt;
};

// One request's history: its row and its KOS calls.
struct HistoryEntry {
  std::string request_id;
  std::string user_id;
  std::optional<std::string> line_number;
  std::optional<BillingMonth> billing_month;
  SystemTime requested_at;
  SystemTime finished_at;
  bool completed = false;            // COMPLETED / FAILED
  std::optional<BillSource> source;  // set when completed
  std::string result_code = "OK";    // OK, or the BillStatus name (to_string)
  std::string result_summary;
  std::optional<ShownBill> bill;  // the bill shown (its billInfo bytes, shared with the answer)
  std::string http_request_id;
  std::string trace_id;
  std::vector<KosCallRecord> kos_calls;
};

// A stored request row.
struct HistoryRecord {
  std::string request_id;
  std::string user_id;
  std::optional<std::string> line_number;
  std::optional<std::string> billing_month;  // YYYY-MM
  SystemTime requested_at;
  SystemTime finished_at;
  std::string status;                 // COMPLETED / FAILED
  std::optional<std::string> source;  // CACHE / KOS / STALE_CACHE
  std::string result_code;
  std::string result_summary;
  std::optional<std::string> bill_info;  // the billInfo shown, as stored (JSON text); lists: none
};

}  // namespace phonebill::bill
