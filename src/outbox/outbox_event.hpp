// One event for the MVNO AP server (issue 21, docs/events.md) as the producing service
// builds it: its type, time, line (masked; its order key is a hash of the full number),
// the request it came from and a type-specific payload. to_body gives the JSON document
// sent (and stored in outbox_events.body); to_rows the jsonb_to_recordset array the
// insert statement takes. Entry points: OutboxEvent, make_event, line_order_key.
#pragma once
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"

namespace phonebill::outbox {

// The event types of docs/events.md.
namespace event_type {
inline constexpr std::string_view kBillInquiryCompleted = "bill.inquiry.completed";
inline constexpr std::string_view kBillInquiryFailed = "bill.inquiry.failed";
inline constexpr std::string_view kProductChangeCompleted = "product.change.completed";
inline constexpr std::string_view kProductChangeFailed = "product.change.failed";
inline constexpr std::string_view kProductChangePending = "product.change.pending";
inline constexpr std::string_view kKosCircuitOpened = "kos.circuit.opened";
inline constexpr std::string_view kKosCircuitClosed = "kos.circuit.closed";
inline constexpr std::string_view kCustomerNotificationRequested =
    "customer.notification.requested";
}  // namespace event_type

// Bumped when a type's payload changes incompatibly (docs/events.md#versions).
inline constexpr int kSchemaVersion = 1;

struct OutboxEvent {
  std::string id;  // 32 hex digits, time-ordered; the Idempotency-Key of its delivery
  std::string type;
  SystemTime occurred_at;
  std::string source;               // the producing service
  std::optional<std::string> line;  // masked (010-****-5678); SPEC §14: never in clear
  std::string order_key;            // delivery order is kept per key
  std::string request_id;           // the record the event describes
  std::string http_request_id;      // X-Request-Id of the request that caused it ("": none)
  boost::json::object payload;
  int schema_version = kSchemaVersion;
};

// An event with a fresh id, for `line` (canonical; nullopt: none) — its order key is the
// line's hash — or, without a line, for `order_key` as given.
OutboxEvent make_event(std::string_view type, SystemTime at, std::string source,
                       const std::optional<std::string>& line, std::string request_id,
                       std::string http_request_id, boost::json::object payload);

// The order key of a line: a SHA-256 prefix of the canonical number, so the table orders
// a line's events without holding the number in clear.
std::string line_order_key(std::string_view canonical_line);

// The document POSTed: {id, type, occurredAt, source, line, requestId, httpRequestId,
// schemaVersion, data}.
boost::json::object to_body(const OutboxEvent& event);

// [{event_id, event_type, order_key, body}, ...] for the insert statement.
boost::json::array to_rows(const std::vector<OutboxEvent>& events);

}  // namespace phonebill::outbox
