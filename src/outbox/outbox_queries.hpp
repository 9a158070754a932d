// The outbox's SQL (STYLE §7), prepared by name; the table is db/bill/003 and
// db/product/004. Claims take a lease (claimed_until) in their own short statement with
// SKIP LOCKED, so relays on several instances share the rows and none waits for another;
// only the oldest PENDING event of an order key is ever due, so a key's events go out in
// order whatever the number of relays.
#pragma once
#include <string_view>

namespace phonebill::outbox::queries {

// $1 [{event_id, event_type, order_key, body}, ...]: sequence follows the array's order.
// For a service whose outbox table has no body_sealed column yet.
inline constexpr std::string_view kInsertName = "outbox.insert";
inline constexpr std::string_view kInsert = R"SQL(
INSERT INTO outbox_events (event_id, event_type, order_key, body)
SELECT e.item->>'event_id', e.item->>'event_type', e.item->>'order_key', e.item->'body'
FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(item, position)
ORDER BY e.position
)SQL";

// $1 [{event_id, event_type, order_key, body_sealed (hex)}, ...], in the same order.
inline constexpr std::string_view kInsertSealedName = "outbox.insert_sealed";
inline constexpr std::string_view kInsertSealed = R"SQL(
INSERT INTO outbox_events (event_id, event_type, order_key, body_sealed)
SELECT e.item->>'event_id', e.item->>'event_type', e.item->>'order_key',
       decode(e.item->>'body_sealed', 'hex')
FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(item, position)
ORDER BY e.position
)SQL";

// $1 batch size, $2 lease in ms: the due heads of their keys, oldest first, leased and
// their attempt counted.
inline constexpr std::string_view kClaimName = "outbox.claim";
inline constexpr std::string_view kClaim = R"SQL(
UPDATE outbox_events o
   SET claimed_until = now() + ($2::bigint * interval '1 millisecond'), attempts = o.attempts + 1
  FROM (SELECT e.sequence FROM outbox_events e
         WHERE e.status = 'PENDING' AND e.next_attempt_at <= now()
           AND (e.claimed_until IS NULL OR e.claimed_until <= now())
           AND NOT EXISTS (SELECT 1 FROM outbox_events p
                            WHERE p.status = 'PENDING' AND p.order_key = e.order_key
                              AND p.sequence < e.sequence)
         ORDER BY e.sequence LIMIT $1 FOR UPDATE OF e SKIP LOCKED) AS due
 WHERE o.sequence = due.sequence
RETURNING o.sequence, o.event_id, o.event_type, o.body::text AS body, o.attempts
)SQL";
// The same for a table with sealed bodies (OutboxStore's register_statements appends
// ", o.body_sealed" to kClaim's RETURNING list under this name).
inline constexpr std::string_view kClaimSealedName = "outbox.claim_sealed";

// $1 sequence.
inline constexpr std::string_view kDeliveredName = "outbox.delivered";
inline constexpr std::string_view kDelivered = R"SQL(
UPDATE outbox_events SET status = 'DELIVERED', delivered_at = now(), claimed_until = NULL,
  last_error = NULL
WHERE sequence = $1 AND status = 'PENDING'
)SQL";

// $1 sequence, $2 retry after ms, $3 what failed, $4 dead-letter age in ms: rescheduled,
// or DEAD once it has been retried for longer than $4.
inline constexpr std::string_view kFailedName = "outbox.failed";
inline constexpr std::string_view kFailed = R"SQL(
UPDATE outbox_events SET claimed_until = NULL, last_error = $3,
  next_attempt_at = now() + ($2::bigint * interval '1 millisecond'),
  status = CASE WHEN retrying_since <= now() - ($4::bigint * interval '1 millisecond')
                THEN 'DEAD' ELSE 'PENDING' END,
  dead_at = CASE WHEN retrying_since <= now() - ($4::bigint * interval '1 millisecond')
                 THEN now() END
WHERE sequence = $1 AND status = 'PENDING'
RETURNING status
)SQL";

// $1 event id: a DEAD event is due again at once, its dead-letter age counted afresh.
inline constexpr std::string_view kRedeliverName = "outbox.redeliver";
inline constexpr std::string_view kRedeliver = R"SQL(
UPDATE outbox_events SET status = 'PENDING', next_attempt_at = now(), retrying_since = now(),
  dead_at = NULL, claimed_until = NULL
WHERE event_id = $1 AND status = 'DEAD'
RETURNING status
)SQL";

inline constexpr std::string_view kStatusName = "outbox.status";
inline constexpr std::string_view kStatus = R"SQL(
SELECT status FROM outbox_events WHERE event_id = $1
)SQL";

// What the metrics and the ops page show: undelivered and dead counts, and the age of
// the oldest undelivered event (the delivery lag), 0 when none waits.
inline constexpr std::string_view kStatsName = "outbox.stats";
inline constexpr std::string_view kStats = R"SQL(
SELECT count(*) FILTER (WHERE status = 'PENDING') AS pending,
       count(*) FILTER (WHERE status = 'DEAD') AS dead,
       COALESCE(extract(epoch FROM now() - min(created_at) FILTER (WHERE status = 'PENDING')),
                0)::float8::text AS lag_seconds
FROM outbox_events WHERE status IN ('PENDING', 'DEAD')
)SQL";

// $1 retention in ms: up to 1000 delivered events older than it go.
inline constexpr std::string_view kPurgeName = "outbox.purge";
inline constexpr std::string_view kPurge = R"SQL(
DELETE FROM outbox_events WHERE sequence IN (
  SELECT sequence FROM outbox_events
  WHERE status = 'DELIVERED' AND delivered_at < now() - ($1::bigint * interval '1 millisecond')
  LIMIT 1000)
)SQL";

// ---- the re-encryption pass (OutboxStore::reseal_table, crypto/reseal_pass.hpp) ----
// $1 cursor (sequence, 0 to start), $2 current key id bytes, $3 batch size.
inline constexpr std::string_view kToSealName = "outbox.to_seal";
inline constexpr std::string_view kToSeal = R"SQL(
SELECT sequence, event_id, body::text AS body, body_sealed FROM outbox_events
WHERE sequence > $1::bigint
  AND (body IS NOT NULL OR substring(body_sealed FROM 2 FOR 2) <> $2::bytea)
ORDER BY sequence
LIMIT $3
)SQL";

// $1 sequence, $2 sealed body, $3 the sealed body as read (NULL: it was clear).
inline constexpr std::string_view kResealName = "outbox.reseal";
inline constexpr std::string_view kReseal = R"SQL(
UPDATE outbox_events SET body = NULL, body_sealed = $2::bytea
WHERE sequence = $1::bigint AND body_sealed IS NOT DISTINCT FROM $3::bytea
)SQL";

}  // namespace phonebill::outbox::queries
