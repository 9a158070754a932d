// bill-inquiry's SQL (STYLE §7), prepared by name. Batches are inserted with one
// statement per table from one array per column, sent in binary format (history_rows.hpp)
// and unnest'ed into rows, so a group commit of N requests costs two statements, not 2·N,
// and the server neither parses JSON nor decodes hex or timestamp text per row.
// Reads return both forms of each sealed column (the clear one is set only on rows from
// before db/bill/004 that the re-encryption pass has not reached).
#pragma once
#include <string_view>

#include "core/joined_text.hpp"

namespace phonebill::bill::queries {

// The columns in the order of render_history_batch's RequestColumns. No ON CONFLICT: each
// entry is written once (GroupCommitWriter never sends an entry again, a failed batch
// answers 503), ids are time-ordered 128-bit values, and the primary key still refuses a
// duplicate (failing the batch, so no answer leaves without its own row). The clause cost
// an arbiter-index probe, a speculative-insertion lock and a confirm record per row
// (docs/decisions.md "History rows as binary arrays").
inline constexpr std::string_view kInsertRequestsName = "bill.insert_requests";
inline constexpr std::string_view kInsertRequests = R"SQL(
INSERT INTO bill_inquiry_requests (request_id, user_id, line_number_sealed, line_index,
  billing_month, requested_at, finished_at, status, source, result_code,
  result_summary_sealed, bill_document, http_request_id, trace_id)
SELECT * FROM unnest($1::text[], $2::text[], $3::bytea[], $4::bytea[], $5::text[],
  $6::timestamptz[], $7::timestamptz[], $8::text[], $9::text[], $10::text[], $11::bytea[],
  $12::bytea[], $13::text[], $14::text[])
)SQL";

// The bills the batch's requests showed (db/bill/005), each in the month of a request that
// references it (the database's date_trunc, the one its partitions are cut by); one
// already there — shown before this month, or by a concurrent batch — is left as it is.
// In key order: a batch waits on a concurrent batch's uncommitted copy of a document, so
// two batches (two writers, or two instances filling the same cold bills) that took
// shared documents in different orders deadlocked, and PostgreSQL failed one of them
// after deadlock_timeout (503 for its requests). Sorted, the later one waits, then skips.
inline constexpr std::string_view kInsertDocumentsName = "bill.insert_documents";
inline constexpr std::string_view kInsertDocuments = R"SQL(
INSERT INTO bill_documents (document_key, month_start, bill_sealed)
SELECT d.document_key, date_trunc('month', d.requested_at), d.bill_sealed
FROM unnest($1::bytea[], $2::timestamptz[], $3::bytea[]) AS d(document_key, requested_at,
  bill_sealed)
ORDER BY d.document_key, date_trunc('month', d.requested_at)
ON CONFLICT (document_key, month_start) DO NOTHING
)SQL";

inline constexpr std::string_view kInsertCallsName = "bill.insert_calls";
inline constexpr std::string_view kInsertCalls = R"SQL(
INSERT INTO bill_kos_calls (request_id, operation, attempt, requested_at, responded_at,
  result_code, result_message_sealed, failure, circuit_state)
SELECT * FROM unnest($1::text[], $2::text[], $3::integer[], $4::timestamptz[],
  $5::timestamptz[], $6::text[], $7::bytea[], $8::text[], $9::text[])
)SQL";

// A request row with its bill: the row's own (bill, bill_sealed: rows from before
// db/bill/005) or its document's (bill_document, document_bill_sealed; a document's month
// starts at most 31 days before any request that references it, whatever the time zone).
// Both look-ups below share this select list and join; each adds its own WHERE.
inline constexpr char kOneRequestSelect[] = R"SQL(
SELECT r.request_id, r.user_id, r.line_number, r.line_number_sealed, r.billing_month,
  (extract(epoch FROM r.requested_at) * 1000)::bigint AS requested_ms,
  (extract(epoch FROM r.finished_at) * 1000)::bigint AS finished_ms, r.status, r.source,
  r.result_code, r.result_summary, r.result_summary_sealed, r.bill::text AS bill, r.bill_sealed,
  encode(r.bill_document, 'hex') AS bill_document, NULL::text AS document_bill,
  d.bill_sealed AS document_bill_sealed
FROM bill_inquiry_requests r
LEFT JOIN LATERAL (
  SELECT bill_sealed FROM bill_documents
  WHERE document_key = r.bill_document AND month_start <= r.requested_at
    AND month_start > r.requested_at - interval '32 days'
  ORDER BY month_start DESC LIMIT 1) d ON r.bill_document IS NOT NULL
)SQL";

// One request by a time-ordered id: $2, $3 the window its id allows (history/
// time_ordered_id.hpp), so only the one or two monthly partitions it spans are read.
inline constexpr std::string_view kFindRequestName = "bill.find_request";
inline constexpr auto kFindRequestText = core::join_text(
    kOneRequestSelect,
    R"SQL(WHERE r.request_id = $1 AND r.requested_at >= $2::timestamptz AND r.requested_at < $3::timestamptz
)SQL");
inline constexpr std::string_view kFindRequest = core::joined_view(kFindRequestText);

// One request by an id written before ids were time-ordered: its time comes from
// bill_inquiry_legacy_ids (db/bill/002), which prunes the scan to its partition when the
// statement runs (to none when the id is unknown).
inline constexpr std::string_view kFindLegacyRequestName = "bill.find_legacy_request";
inline constexpr auto kFindLegacyRequestText =
    core::join_text(kOneRequestSelect, R"SQL(WHERE r.request_id = $1
  AND r.requested_at = (SELECT requested_at FROM bill_inquiry_legacy_ids WHERE request_id = $1)
)SQL");
inline constexpr std::string_view kFindLegacyRequest = core::joined_view(kFindLegacyRequestText);

// $1 user, $2 the line's blind index (hex, bill_sealing.hpp) or NULL: rows sealed since
// db/bill/004 only, the pass gives every older row its index; $3 from date or NULL, $4 to date or
// NULL (inclusive, Seoul days), $5 status or NULL, $6 limit, $7 offset.
inline constexpr std::string_view kListRequestsName = "bill.list_requests";
inline constexpr std::string_view kListRequests = R"SQL(
SELECT request_id, user_id, line_number, line_number_sealed, billing_month,
  (extract(epoch FROM requested_at) * 1000)::bigint AS requested_ms,
  (extract(epoch FROM finished_at) * 1000)::bigint AS finished_ms, status,
  source, result_code, result_summary, result_summary_sealed, NULL::text AS bill,
  NULL::bytea AS bill_sealed, NULL::text AS bill_document, NULL::text AS document_bill,
  NULL::bytea AS document_bill_sealed
FROM bill_inquiry_requests
WHERE user_id = $1
  AND ($2::text IS NULL OR line_index = decode($2, 'hex'))
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
  AND ($2::text IS NULL OR line_index = decode($2, 'hex'))
  AND ($3::date IS NULL OR requested_at >= ($3::date)::timestamp AT TIME ZONE 'Asia/Seoul')
  AND ($4::date IS NULL OR requested_at < ($4::date + 1)::timestamp AT TIME ZONE 'Asia/Seoul')
  AND ($5::text IS NULL OR status = $5)
)SQL";

// ---- the re-encryption pass (BillDataKeyPass) ----------------------------------------------
// Each batch reads rows after a cursor that hold a clear value or one not sealed under the
// current key ($2, its two id bytes: bytes 2-3 of a sealed value), then re-seals them one
// UPDATE each, guarded by the values it read. No transaction spans a batch.

// $1 cursor (request id, '' to start), $2 current key id bytes, $3 batch size.
// requested_at as text finds the row's partition again exactly.
inline constexpr std::string_view kRequestsToSealName = "bill.requests_to_seal";
inline constexpr std::string_view kRequestsToSeal = R"SQL(
SELECT request_id, requested_at::text AS requested_at, line_number, line_number_sealed,
  result_summary, result_summary_sealed, bill::text AS bill, bill_sealed
FROM bill_inquiry_requests
WHERE request_id > $1
  AND (line_number IS NOT NULL OR result_summary IS NOT NULL OR bill IS NOT NULL
       OR substring(line_number_sealed FROM 2 FOR 2) <> $2::bytea
       OR substring(result_summary_sealed FROM 2 FOR 2) <> $2::bytea
       OR substring(bill_sealed FROM 2 FOR 2) <> $2::bytea)
ORDER BY request_id
LIMIT $3
)SQL";

// $1 request, $2 requested_at, $3 sealed line or NULL, $4 line index or NULL, $5 sealed
// summary, $6 sealed bill or NULL, $7 / $8 / $9 the sealed line / summary / bill as read.
inline constexpr std::string_view kResealRequestName = "bill.reseal_request";
inline constexpr std::string_view kResealRequest = R"SQL(
UPDATE bill_inquiry_requests
SET line_number = NULL, result_summary = NULL, bill = NULL, line_number_sealed = $3::bytea,
    line_index = $4::bytea, result_summary_sealed = $5::bytea, bill_sealed = $6::bytea
WHERE request_id = $1 AND requested_at = $2::timestamptz
  AND line_number_sealed IS NOT DISTINCT FROM $7::bytea
  AND result_summary_sealed IS NOT DISTINCT FROM $8::bytea
  AND bill_sealed IS NOT DISTINCT FROM $9::bytea
)SQL";

// $1 cursor (id, 0 to start), $2 current key id bytes, $3 batch size.
inline constexpr std::string_view kCallsToSealName = "bill.calls_to_seal";
inline constexpr std::string_view kCallsToSeal = R"SQL(
SELECT id, requested_at::text AS requested_at,
  (extract(epoch FROM requested_at) * 1000)::bigint AS requested_ms, request_id, operation,
  attempt, result_message, result_message_sealed
FROM bill_kos_calls
WHERE id > $1::bigint
  AND (result_message IS NOT NULL OR substring(result_message_sealed FROM 2 FOR 2) <> $2::bytea)
ORDER BY id
LIMIT $3
)SQL";

// $1 id, $2 requested_at, $3 sealed message, $4 the sealed message as read (NULL: clear).
inline constexpr std::string_view kResealCallName = "bill.reseal_call";
inline constexpr std::string_view kResealCall = R"SQL(
UPDATE bill_kos_calls SET result_message = NULL, result_message_sealed = $3::bytea
WHERE id = $1::bigint AND requested_at = $2::timestamptz
  AND result_message_sealed IS NOT DISTINCT FROM $4::bytea
)SQL";

// $1 cursor ("<key hex>/<month_start>", "/-infinity" to start), $2 current key id bytes,
// $3 batch size: the documents (db/bill/005) after the cursor not sealed under the key.
inline constexpr std::string_view kDocumentsToSealName = "bill.documents_to_seal";
inline constexpr std::string_view kDocumentsToSeal = R"SQL(
SELECT encode(document_key, 'hex') AS document_key, month_start::text AS month_start,
  NULL::text AS bill, bill_sealed
FROM bill_documents
WHERE (document_key, month_start) >
      (decode(split_part($1, '/', 1), 'hex'), split_part($1, '/', 2)::timestamptz)
  AND substring(bill_sealed FROM 2 FOR 2) <> $2::bytea
ORDER BY document_key, month_start
LIMIT $3
)SQL";

// $1 document key (hex), $2 month_start, $3 sealed bill, $4 the sealed bill as read.
inline constexpr std::string_view kResealDocumentName = "bill.reseal_document";
inline constexpr std::string_view kResealDocument = R"SQL(
UPDATE bill_documents SET bill_sealed = $3::bytea
WHERE document_key = decode($1, 'hex') AND month_start = $2::timestamptz
  AND bill_sealed = $4::bytea
)SQL";

}  // namespace phonebill::bill::queries
