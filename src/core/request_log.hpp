// The ids a log line about a request carries (SPEC §13): requestId, and the traceId and
// spanId of the span it happened in (from the W3C traceparent the request carries), so an
// operator can go from a line to its trace. Entry point: request_log_fields.
#pragma once
#include <boost/json/object.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include "core/request_info.hpp"

namespace phonebill::log {

// {"requestId", "traceId", "spanId"}; the trace ids are left out when `traceparent` is
// not a well-formed one (a request id alone is still worth logging).
boost::json::object request_log_fields(std::string_view request_id, std::string_view traceparent);

// The same for the request a domain call serves.
boost::json::object request_log_fields(const RequestInfo& request);

// `request_log_fields(request)` with `fields` added: one log line's whole object.
boost::json::object request_log_fields(const RequestInfo& request, boost::json::object fields);

// The same fields rendered straight into `line` for log::write_rendered, for a line
// written on every request (the access log) that should not build a JSON object: each
// appends `,"key":value` (strings escaped as boost::json::serialize escapes them).
void append_request_ids(std::string& line, std::string_view request_id,
                        std::string_view traceparent);
void append_field(std::string& line, std::string_view key, std::string_view value);
void append_field(std::string& line, std::string_view key, std::int64_t value);
void append_field(std::string& line, std::string_view key, std::uint64_t value);
// Fixed-point with three decimals, so that it always reads back as a double.
void append_field(std::string& line, std::string_view key, double value);

}  // namespace phonebill::log
