// OutboxEvent: ids, order keys and the JSON shapes (see outbox_event.hpp).
#include "outbox_event.hpp"

#include "core/line_number.hpp"
#include "core/seoul_time.hpp"
#include "history/time_ordered_id.hpp"
#include "security/encoding.hpp"

namespace phonebill::outbox {

std::string line_order_key(std::string_view canonical_line) {
  return "line:" + security::to_hex(security::sha256(canonical_line)).substr(0, 32);
}

OutboxEvent make_event(std::string_view type, SystemTime at, std::string source,
                       const std::optional<std::string>& line, std::string request_id,
                       std::string http_request_id, boost::json::object payload) {
  OutboxEvent event;
  event.id = history::new_time_ordered_id();
  event.type = std::string{type};
  event.occurred_at = at;
  event.source = std::move(source);
  if (line) {
    event.line = masked_line_number(*line);
    event.order_key = line_order_key(*line);
  } else {
    // No line: the event orders with its record alone (its own key).
    event.order_key = "request:" + request_id;
  }
  event.request_id = std::move(request_id);
  event.http_request_id = std::move(http_request_id);
  event.payload = std::move(payload);
  return event;
}

boost::json::object to_body(const OutboxEvent& event) {
  boost::json::object body;
  body["id"] = event.id;
  body["type"] = event.type;
  body["occurredAt"] = iso8601_utc_millis(event.occurred_at);
  body["source"] = event.source;
  body["line"] = event.line ? boost::json::value(*event.line) : boost::json::value(nullptr);
  body["requestId"] = event.request_id;
  body["httpRequestId"] = event.http_request_id.empty() ? boost::json::value(nullptr)
                                                        : boost::json::value(event.http_request_id);
  body["schemaVersion"] = event.schema_version;
  body["data"] = event.payload;
  return body;
}

boost::json::array to_rows(const std::vector<OutboxEvent>& events) {
  boost::json::array rows;
  for (const auto& event : events)
    rows.push_back(boost::json::object{{"event_id", event.id},
                                       {"event_type", event.type},
                                       {"order_key", event.order_key},
                                       {"body", to_body(event)}});
  return rows;
}

}  // namespace phonebill::outbox
