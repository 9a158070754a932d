// The W3C trace context of one span (trace id, span id, sampled flag): read from and
// written to the traceparent header (SPEC §2), and fresh ids for new spans and traces.
// The one parser of traceparent: http/trace.cpp and the tracing library both use it.
// Entry points: SpanContext, parse_traceparent, new_trace_id, append_trace_id.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace phonebill::tracing {

struct SpanContext {
  std::string trace_id;  // 32 lowercase hex digits, not all zero
  std::string span_id;   // 16 lowercase hex digits, not all zero
  bool sampled = false;  // the traceparent's flag 01: the trace is being recorded

  // 00-<trace id>-<span id>-<01|00>
  std::string traceparent() const;
};

// A valid version-00 traceparent's context; nullopt for anything else (wrong length,
// upper-case or non-hex digits, all-zero ids).
std::optional<SpanContext> parse_traceparent(std::string_view text);
// Whether parse_traceparent would accept `text`, without building the context.
bool is_valid_traceparent(std::string_view text);

// 16 random lowercase hex digits, never all zero.
std::string new_span_id();
// 32 random lowercase hex digits, never all zero.
std::string new_trace_id();
// The same ids appended to `out`: written into a string that already has the room, no
// allocation (the server reuses its requests' strings, issue 17 item 3).
void append_span_id(std::string& out);
void append_trace_id(std::string& out);

}  // namespace phonebill::tracing
