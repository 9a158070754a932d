// X-Request-Id and W3C traceparent: kept when sane, generated otherwise (SPEC §2).
#include "http/trace.hpp"

#include "tracing/span_context.hpp"
#include "tracing/tracer.hpp"

namespace phonebill::http {

using namespace std::string_view_literals;  // appends that need no strlen

bool is_acceptable_request_id(std::string_view candidate) {
  if (candidate.empty() || candidate.size() > 128) return false;
  for (char c : candidate) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == ':' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// A request id is a fresh trace id (32 hex digits): one random source for both, and an id
// generated here can also start the trace.
std::string generate_request_id() { return tracing::new_trace_id(); }

void generate_request_id(std::string& request_id) {
  request_id.clear();
  tracing::append_trace_id(request_id);
}

void continue_trace(std::string_view incoming, std::string& trace_id, std::string& traceparent) {
  trace_id.clear();
  std::string_view flags = "01";
  if (tracing::is_valid_traceparent(incoming)) {
    trace_id.append(incoming.substr(3, 32));
    flags = incoming.substr(53, 2);
  } else {
    tracing::append_trace_id(trace_id);
    // A new trace: recorded or not as the sampler decides (parent-based: the flag then
    // decides for every hop downstream). With tracing off the flag stays 01 as before.
    if (auto* tracer = tracing::tracer(); tracer && !tracer->sampler().sample_root(trace_id))
      flags = "00";
  }
  traceparent.clear();
  traceparent.reserve(55);
  traceparent.append("00-"sv).append(trace_id).append("-"sv);
  tracing::append_span_id(traceparent);
  traceparent.append("-"sv).append(flags);
}

TraceContext continue_trace(std::string_view incoming) {
  TraceContext context;
  continue_trace(incoming, context.trace_id, context.traceparent);
  return context;
}

}  // namespace phonebill::http
