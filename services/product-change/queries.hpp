// product-change's SQL (STYLE §7), prepared by name. Status rules live in the WHERE
// clauses too, so a late writer can never move a settled change (change_state.hpp).
// product_changes is partitioned by month on requested_at (db/product/005): every
// statement on one record names its month — from the record's guard row (a change in
// flight or holding a key), from its time-ordered id, or from the legacy-id table — so
// PostgreSQL reads one partition, not every month of five years (docs/history.md).
// The line number and KOS's message are sealed (db/product/006, sealed_changes.hpp):
// parameters carry them as bytea text ("\\x..."); rows return both forms of each.
#pragma once
#include <string_view>

namespace phonebill::product::queries {

// Every read returns these columns (times as epoch milliseconds).
#define PRODUCT_CHANGE_COLUMNS                                                       \
  "request_id, user_id, line_number, line_number_sealed, result_message_sealed, "    \
  "previous_product_code, previous_product_name, "                                   \
  "target_product_code, target_product_name, status, idempotency_key, fingerprint, " \
  "failure_reason, result_message, kos_result_code, checks::text AS checks, "        \
  "kos_order_number, effective_date, "                                               \
  "http_request_id, trace_id, "                                                      \
  "(extract(epoch FROM requested_at) * 1000)::bigint AS requested_ms, "              \
  "(extract(epoch FROM processed_at) * 1000)::bigint AS processed_ms "

// $1 request id, $2 user, $3 sealed line, $4 line index, $5/$6 previous code/name,
// $7/$8 target code/name, $9 idempotency key or NULL, $10 fingerprint (stored form),
// $11 X-Request-Id, $12 trace id, $13 the clear line (compared, never stored). The
// table's trigger writes the change's guard row in the same statement; a line with a
// change in flight or a key already used fails it with product_changes_one_in_flight or
// product_changes_idempotency (indexes of product_change_guards). No row is written
// (0 affected) while a change written before db/product/006, with a clear guard, is in
// flight for the line.
inline constexpr std::string_view kInsertName = "product.insert_change";
inline constexpr std::string_view kInsert =
    "INSERT INTO product_changes (request_id, user_id, line_number_sealed, line_index, "
    "previous_product_code, previous_product_name, target_product_code, target_product_name, "
    "status, idempotency_key, fingerprint, requested_at, updated_at, http_request_id, trace_id) "
    "SELECT $1::text, $2::text, $3::bytea, $4::bytea, $5::text, $6::text, $7::text, $8::text, "
    "'REQUESTED', $9::text, $10::text, now(), now(), $11::text, $12::text "
    "WHERE NOT EXISTS (SELECT 1 FROM product_change_guards "
    "                   WHERE in_flight AND line_number = $13::text)";

// The month of a change in flight or holding a key (its guard row), for `requested_at =`.
#define PRODUCT_CHANGE_GUARDED_TIME \
  "(SELECT requested_at FROM product_change_guards WHERE request_id = $1)"

// $1 user, $2 key: the request holding the key, however old (the service decides
// whether its time is over and frees it with kReleaseKey).
inline constexpr std::string_view kFindByKeyName = "product.find_by_key";
inline constexpr std::string_view kFindByKey =
    "SELECT " PRODUCT_CHANGE_COLUMNS
    "FROM product_changes "
    "WHERE request_id = (SELECT request_id FROM product_change_guards "
    "                     WHERE user_id = $1 AND idempotency_key = $2) "
    "  AND requested_at = (SELECT requested_at FROM product_change_guards "
    "                       WHERE user_id = $1 AND idempotency_key = $2)";

// $1 request id: frees the Idempotency-Key it holds (its time is over).
inline constexpr std::string_view kReleaseKeyName = "product.release_key";
inline constexpr std::string_view kReleaseKey =
    "UPDATE product_changes SET idempotency_key = NULL "
    "WHERE request_id = $1 AND requested_at = " PRODUCT_CHANGE_GUARDED_TIME;

// $1 request id, $2 new status, $3 failure reason (a ProductStatus name) or NULL, $4 KOS's
// message sealed (bytea text) or NULL, $5 KOS code, $6 order number, $7 effective date, $8/$9
// previous code/name (NULL: keep), $10 checks (NULL: keep).
inline constexpr std::string_view kSettleName = "product.settle_change";
inline constexpr std::string_view kSettle =
    "UPDATE product_changes SET status = $2, failure_reason = $3, result_message = NULL, "
    "result_message_sealed = $4::bytea, "
    "kos_result_code = $5, kos_order_number = $6, effective_date = $7, "
    "previous_product_code = COALESCE($8, previous_product_code), "
    "previous_product_name = COALESCE($9, previous_product_name), "
    "checks = COALESCE($10::jsonb, checks), updated_at = now(), "
    "processed_at = CASE WHEN $2 = 'PENDING' THEN NULL ELSE now() END, claimed_until = NULL "
    "WHERE request_id = $1 AND requested_at = " PRODUCT_CHANGE_GUARDED_TIME
    " AND (status = 'REQUESTED' "
    "  OR (status = 'PENDING' AND $2 IN ('COMPLETED', 'FAILED'))) "
    "RETURNING " PRODUCT_CHANGE_COLUMNS;

// $1 a time-ordered id, $2/$3 the window its time allows (history/time_ordered_id.hpp):
// one or two monthly partitions are read.
inline constexpr std::string_view kFindName = "product.find_change";
inline constexpr std::string_view kFind =
    "SELECT " PRODUCT_CHANGE_COLUMNS
    "FROM product_changes WHERE request_id = $1 "
    "AND requested_at >= $2::timestamptz AND requested_at < $3::timestamptz";

// $1 an id with no time in it (written before 005, or by hand): its month from
// product_change_legacy_ids, else from its guard row; no partition read when neither knows it.
inline constexpr std::string_view kFindLegacyName = "product.find_legacy_change";
inline constexpr std::string_view kFindLegacy =
    "SELECT " PRODUCT_CHANGE_COLUMNS
    "FROM product_changes WHERE request_id = $1 AND requested_at = COALESCE("
    "(SELECT requested_at FROM product_change_legacy_ids WHERE request_id = "
    "$1), " PRODUCT_CHANGE_GUARDED_TIME ")";

// The reconciler's claim, one record per statement (its own short transaction): the
// least recently looked-at PENDING change, or REQUESTED one older than $1 ms (no live
// request can still be working on it), whose lease is free; leased for $2 ms and its
// attempt counted. SKIP LOCKED: concurrent claimers (workers, instances) never wait for
// each other nor take the same row. No KOS call ever runs inside it. Only the months
// from the oldest change in flight on are read (product_change_guards knows it).
inline constexpr std::string_view kClaimNextName = "product.claim_next";
inline constexpr std::string_view kClaimNext =
    "WITH next AS (SELECT request_id, requested_at FROM product_changes "
    "  WHERE requested_at >= (SELECT min(requested_at) FROM product_change_guards "
    "                          WHERE in_flight) "
    "  AND (status = 'PENDING' OR (status = 'REQUESTED' "
    "    AND requested_at <= now() - ($1::bigint * interval '1 millisecond'))) "
    "  AND (claimed_until IS NULL OR claimed_until <= now()) "
    "  ORDER BY updated_at LIMIT 1 FOR UPDATE SKIP LOCKED) "
    "UPDATE product_changes SET claimed_until = now() + ($2::bigint * interval '1 millisecond'), "
    "reconcile_attempts = reconcile_attempts + 1 "
    "WHERE request_id = (SELECT request_id FROM next) "
    "AND requested_at = (SELECT requested_at FROM next) "
    "AND status IN ('REQUESTED', 'PENDING') "
    "RETURNING " PRODUCT_CHANGE_COLUMNS
    ", "
    "(requested_at <= now() - ($1::bigint * interval '1 millisecond')) AS stale";

// $1 request id, $2 ms: an unsettled record goes back to the queue, not to be claimed
// again for $2 ms (the next pass), behind every record not looked at since.
inline constexpr std::string_view kReleaseClaimName = "product.release_claim";
inline constexpr std::string_view kReleaseClaim =
    "UPDATE product_changes SET claimed_until = now() + ($2::bigint * interval '1 millisecond'), "
    "updated_at = now() WHERE request_id = $1 AND requested_at = " PRODUCT_CHANGE_GUARDED_TIME
    " AND status IN ('REQUESTED', 'PENDING')";

// $1 user, $2 the line's index (bytea text) or NULL, $3 from date, $4 to date (inclusive, Seoul
// days), $5 status, $6 limit, $7 offset.
#define PRODUCT_CHANGE_FILTER                                                                     \
  "WHERE user_id = $1 AND ($2::text IS NULL OR line_index = $2::bytea) "                          \
  "AND ($3::date IS NULL OR requested_at >= ($3::date)::timestamp AT TIME ZONE 'Asia/Seoul') "    \
  "AND ($4::date IS NULL OR requested_at < ($4::date + 1)::timestamp AT TIME ZONE 'Asia/Seoul') " \
  "AND ($5::text IS NULL OR status = $5) "

inline constexpr std::string_view kListName = "product.list_changes";
inline constexpr std::string_view kList =
    "SELECT " PRODUCT_CHANGE_COLUMNS "FROM product_changes " PRODUCT_CHANGE_FILTER
    "ORDER BY requested_at DESC, request_id DESC LIMIT $6 OFFSET $7";

inline constexpr std::string_view kCountName = "product.count_changes";
inline constexpr std::string_view kCount =
    "SELECT count(*) AS total FROM product_changes " PRODUCT_CHANGE_FILTER;

#undef PRODUCT_CHANGE_FILTER
// The re-encryption pass (change_seal_pass.hpp). $1 cursor (request id, '' to start),
// $2 the current key id's two bytes, $3 batch size: the next changes in request-id order
// with a clear value or one sealed by another key. requested_at as text finds the row's
// partition again exactly.
inline constexpr std::string_view kChangesToSealName = "product.changes_to_seal";
inline constexpr std::string_view kChangesToSeal =
    "SELECT request_id, requested_at::text AS requested_at, line_number, line_number_sealed, "
    "result_message, result_message_sealed, fingerprint FROM product_changes "
    "WHERE request_id > $1 "
    "AND (line_number IS NOT NULL OR result_message IS NOT NULL OR line_index IS NULL "
    "  OR substring(line_number_sealed FROM 2 FOR 2) <> $2::bytea "
    "  OR substring(result_message_sealed FROM 2 FOR 2) <> $2::bytea) "
    "ORDER BY request_id LIMIT $3";

// The same for clear rows only (the partial index product_changes_clear of
// db/product/006): what a start-up after a finished pass still sweeps, in case an
// instance of the previous release wrote clear rows during a rolling upgrade. $2 unused.
inline constexpr std::string_view kClearChangesToSealName = "product.clear_changes_to_seal";
inline constexpr std::string_view kClearChangesToSeal =
    "SELECT request_id, requested_at::text AS requested_at, line_number, line_number_sealed, "
    "result_message, result_message_sealed, fingerprint FROM product_changes "
    "WHERE request_id > $1 AND $2::bytea IS NOT NULL "
    "AND (line_number IS NOT NULL OR result_message IS NOT NULL) "
    "ORDER BY request_id LIMIT $3";

// Outbox events whose body is still clear, after sequence $1 ($2 the batch size), through
// the partial index outbox_events_clear of db/product/007: what the pass sweeps on every
// start after crypto::ResealPass has finished outbox_events under the current key (an
// instance of the previous release may have written clear bodies during a rolling
// upgrade). The columns are what OutboxStore::reseal_table()'s row function reads.
inline constexpr std::string_view kClearEventsToSealName = "product.clear_events_to_seal";
inline constexpr std::string_view kClearEventsToSeal =
    "SELECT sequence, event_id, body::text AS body, body_sealed FROM outbox_events "
    "WHERE sequence > $1::bigint AND body IS NOT NULL ORDER BY sequence LIMIT $2::bigint";

// $1 request id, $2 requested_at (as read), $3 sealed line, $4 line index, $5 sealed
// message or NULL, $6 fingerprint (stored form); guarded by the values read: $7/$8 the
// sealed line / message, $9 the clear message (a concurrent settle wins, and the pass
// reads the row again).
inline constexpr std::string_view kResealChangeName = "product.reseal_change";
inline constexpr std::string_view kResealChange =
    "UPDATE product_changes SET line_number = NULL, line_number_sealed = $3::bytea, "
    "line_index = $4::bytea, result_message = NULL, result_message_sealed = $5::bytea, "
    "fingerprint = $6 "
    "WHERE request_id = $1 AND requested_at = $2::timestamptz "
    "AND line_number_sealed IS NOT DISTINCT FROM $7::bytea "
    "AND result_message_sealed IS NOT DISTINCT FROM $8::bytea "
    "AND result_message IS NOT DISTINCT FROM $9::text";

// $1 pass name, $2 key id: where the pass got to under this key.
inline constexpr std::string_view kLoadPassName = "product.load_pass";
inline constexpr std::string_view kLoadPass =
    "SELECT cursor, finished_at IS NOT NULL AS finished "
    "FROM data_key_passes WHERE name = $1 AND key_id = $2::integer";

// $1 pass, $2 key id, $3 cursor, $4 finished.
inline constexpr std::string_view kSavePassName = "product.save_pass";
inline constexpr std::string_view kSavePass =
    "INSERT INTO data_key_passes (name, key_id, cursor, finished_at, updated_at) "
    "VALUES ($1, $2::integer, $3, CASE WHEN $4::boolean THEN now() END, now()) "
    "ON CONFLICT (name) DO UPDATE SET key_id = EXCLUDED.key_id, cursor = EXCLUDED.cursor, "
    "finished_at = EXCLUDED.finished_at, updated_at = EXCLUDED.updated_at";

#undef PRODUCT_CHANGE_GUARDED_TIME
#undef PRODUCT_CHANGE_COLUMNS

}  // namespace phonebill::product::queries
