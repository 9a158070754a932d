// bill-inquiry's SQL (STYLE §7), prepared by name. Batches are inserted with one
// statement per table from a JSON array (jsonb_to_recordset), so a group commit of N
// requests costs two statements, not 2·N.
#pragma once
#include <string_view>

namespace phonebill::bill::queries {

inline constexpr std::string_view kInsertRequestsName = "bill.insert_requests";
inline constexpr std::string_view kInsertRequests = R"SQL(
INSERT INTO bill_inquiry_requests (request_id, user_id, line_number, billing_month,
  requested_at, finished_at, status, source, result_code, result_summary, bill,
  http_request_id, trace_id)
SELECT r.request_id, r.user_id, r.line_number, r.billing_month, r.requested_at,
  r.finished_at, r.status, r.source, r.result_code, r.result_summary, r.bill,
  r.http_request_id, r.trace_id
FROM jsonb_to_recordset($1::jsonb) AS r(request_id text, user_id text, line_number text,
  billing_month text, requested_at timestamptz, finished_at timestamptz, status text,
  source text, result_code text, result_summary text, bill jsonb, http_request_id text,
  trace_id text)
ON CONFLICT (request_id, requested_at) DO NOTHING
)SQL";

inline constexpr std::string_view kInsertCallsName = "bill.insert_calls";
inline constexpr std::string_view kInsertCalls = R"SQL(
INSERT INTO bill_kos_calls (request_id, operation, attempt, requested_at, responded_at,
  result_code, result_message, failure, circuit_state)
SELECT c.request_id, c.operation, c.attempt, c.requested_at, c.responded_at,
  c.result_code, c.result_message, c.failure, c.circuit_state
FROM jsonb_to_recordset($1::jsonb) AS c(request_id text, operation text, attempt integer,
  requested_at timestamptz, responded_at timestamptz, result_code text,
  result_message text, failure text, circuit_state text)
)SQL";

// One request by a time-ordered id: $2, $3 the window its id allows (history/
// time_ordered_id.hpp), so only the one or two monthly partitions it spans are read.
inline constexpr std::string_view kFindRequestName = "bill.find_request";
inline constexpr std::string_view kFindRequest = R"SQL(
SELECT request_id, user_id, line_number, billing_month,
  (extract(epoch FROM requested_at) * 1000)::bigint AS requested_ms,
  (extract(epoch FROM finished_at) * 1000)::bigint AS finished_ms, status,
  source, result_code, result_summary, bill::text AS bill
FROM bill_inquiry_requests
WHERE request_id = $1 AND requested_at >= $2::timestamptz AND requested_at < $3::timestamptz
)SQL";

// One request by an id written before ids were time-ordered: its time comes from
// bill_inquiry_legacy_ids (db/bill/002), which prunes the scan to its partition when the
// statement runs (to none when the id is unknown).
inline constexpr std::string_view kFindLegacyRequestName = "bill.find_legacy_request";
inline constexpr std::string_view kFindLegacyRequest = R"SQL(
SELECT request_id, user_id, line_number, billing_month,
  (extract(epoch FROM requested_at) * 1000)::bigint AS requested_ms,
  (extract(epoch FROM finished_at) * 1000)::bigint AS finished_ms, status,
  source, result_code, result_summary, bill::text AS bill
FROM bill_inquiry_requests
WHERE request_id = $1
  AND requested_at = (SELECT requested_at FROM bill_inquiry_legacy_ids WHERE request_id = $1)
)SQL";

// $1 user, $2 line or NULL, $3 from date or NULL, $4 to date or NULL (inclusive, Seoul
// days), $5 status or NULL, $6 limit, $7 offset.
inline constexpr std::string_view kListRequestsName = "bill.list_requests";
inline constexpr std::string_view kListRequests = R"SQL(
SELECT request_id, user_id, line_number, billing_month,
  (extract(epoch FROM requested_at) * 1000)::bigint AS requested_ms,
  (extract(epoch FROM finished_at) * 1000)::bigint AS finished_ms, status,
  source, result_code, result_summary, NULL::text AS bill
FROM bill_inquiry_requests
WHERE user_id = $1
  AND ($2::text IS NULL OR line_number = $2)
  AND ($3::date IS NULL OR requested_at >= ($3::date)::timestamp AT TIME ZONE 'Asia/Seoul')
  AND ($4::date IS NULL OR requested_at < ($4::date + 1)::timestamp AT TIME ZONE 'Asia/Seoul')
  AND ($5::text IS NULL OR status = $5)
ORDER BY requested_at DESC, request_id DESC
LIMIT $6 OFFSET $7
)SQL";

inline constexpr std::string_view kCountRequestsName = "bill.count_requests";
inline constexpr std::string_view kCountRequests = R"SQL(
SELECT count(*) AS total FROM bill_inquiry_requests
WHERE user_id = $1
  AND ($2::text IS NULL OR line_number = $2)
  AND ($3::date IS NULL OR requested_at >= ($3::date)::timestamp AT TIME ZONE 'Asia/Seoul')
  AND ($4::date IS NULL OR requested_at < ($4::date + 1)::timestamp AT TIME ZONE 'Asia/Seoul')
  AND ($5::text IS NULL OR status = $5)
)SQL";

}  // namespace phonebill::bill::queries
