// X-Request-Id and W3C traceparent: kept when sane, generated otherwise (SPEC §2).
#include "http/trace.hpp"

#include "tracing/span_context.hpp"
#include "tracing/tracer.hpp"

namespace phonebill::http {

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

TraceContext continue_trace(std::string_view incoming) {
  TraceContext context;
  std::string flags = "01";
  if (auto parent = tracing::parse_traceparent(incoming)) {
    context.trace_id = std::move(parent->trace_id);
    flags = std::string{incoming.substr(53, 2)};
  } else {
    context.trace_id = tracing::new_trace_id();
    // A new trace: recorded or not as the sampler decides (parent-based: the flag then
    // decides for every hop downstream). With tracing off the flag stays 01 as before.
    if (auto* tracer = tracing::tracer();
        tracer && !tracer->sampler().sample_root(context.trace_id))
      flags = "00";
  }
  context.traceparent.reserve(55);
  context.traceparent.append("00-").append(context.trace_id).append("-");
  context.traceparent.append(tracing::new_span_id());
  context.traceparent.append("-").append(flags);
  return context;
}

}  // namespace phonebill::http
