// The ids a log line about a request carries (SPEC §13): requestId, and the traceId and
// spanId of the span it happened in (from the W3C traceparent the request carries), so an
// operator can go from a line to its trace. Entry point: request_log_fields.
#pragma once
#include <boost/json/object.hpp>

#include <string_view>

namespace phonebill::log {

// {"requestId", "traceId", "spanId"}; the trace ids are left out when `traceparent` is
// not a well-formed one (a request id alone is still worth logging).
boost::json::object request_log_fields(std::string_view request_id, std::string_view traceparent);

}  // namespace phonebill::log
