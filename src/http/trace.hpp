// Request identity for logs and propagation (SPEC §2): X-Request-Id (kept from a
// sane client value, else generated) and W3C traceparent (kept when valid, else
// a new trace started).
#pragma once
#include <string>
#include <string_view>

namespace phonebill::http {

// A client request id is kept if it is 1..128 characters of [A-Za-z0-9._:-].
bool is_acceptable_request_id(std::string_view candidate);
// 32 lowercase hex digits, random.
std::string generate_request_id();
// The same, written over `request_id` (its storage reused: no allocation once it has room).
void generate_request_id(std::string& request_id);

struct TraceContext {
  std::string trace_id;     // 32 hex
  std::string traceparent;  // 00-<trace id>-<span id>-<flags>
};
// Keeps a valid incoming traceparent's trace id with a new span id for this hop;
// otherwise starts a new trace.
TraceContext continue_trace(std::string_view incoming_traceparent);
// The same, written over `trace_id` and `traceparent` (their storage reused, as above).
// `incoming_traceparent` must not view either of them.
void continue_trace(std::string_view incoming_traceparent, std::string& trace_id,
                    std::string& traceparent);

}  // namespace phonebill::http
