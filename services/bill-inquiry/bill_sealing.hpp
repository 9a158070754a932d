// bill-inquiry's personal data at rest (SPEC §14, docs/security.md "Data protection"):
// which history columns and cache values are sealed, the associated data that binds each
// value to its place, and the blind-index purposes of line numbers. The mechanics are
// crypto::SealedColumns'. Entry points: the field names, kos_call_row, cache_field.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace phonebill::bill {

// History columns (db/bill/004): the row part of a request's values is its request id;
// a KOS call's is kos_call_row (its bigserial id is not known before the insert).
inline constexpr std::string_view kLineNumberField = "bill.bill_inquiry_requests.line_number";
inline constexpr std::string_view kResultSummaryField = "bill.bill_inquiry_requests.result_summary";
inline constexpr std::string_view kBillField = "bill.bill_inquiry_requests.bill";
inline constexpr std::string_view kKosMessageField = "bill.bill_kos_calls.result_message";
// A bill document (db/bill/005): the row part of its associated data is its document key
// (hex), so a document copied under another key does not open.
inline constexpr std::string_view kBillDocumentField = "bill.bill_documents.bill";

// Blind-index purposes: the history's line_index column, and the line's part of a Redis
// key (a different purpose, so a key does not show the column's value).
inline constexpr std::string_view kLineIndexPurpose = "bill.line_number";
inline constexpr std::string_view kCacheLinePurpose = "bill.cache.line_number";
// A bill document's key: the keyed hash of its line, month and billInfo bytes, so the same
// bill shown again finds its document and another version of it makes a new one.
inline constexpr std::string_view kBillDocumentPurpose = "bill.bill_documents.document_key";

// Redis values: the row part of their associated data is the Redis key itself.
inline constexpr std::string_view kCacheValueField = "bill.redis";

// The identity of a KOS-call row: its request, operation, attempt and start (epoch ms).
inline std::string kos_call_row(std::string_view request_id, std::string_view operation,
                                std::int64_t attempt, std::int64_t requested_ms) {
  std::string row{request_id};
  row.push_back('\0');
  row.append(operation);
  row.push_back('\0');
  row.append(std::to_string(attempt));
  row.push_back('\0');
  row.append(std::to_string(requested_ms));
  return row;
}

}  // namespace phonebill::bill
