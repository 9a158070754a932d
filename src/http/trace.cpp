// X-Request-Id and W3C traceparent: kept when sane, generated otherwise (SPEC §2).
#include "http/trace.hpp"

#include <random>

#include "tracing/span_context.hpp"
#include "tracing/tracer.hpp"

namespace phonebill::http {
namespace {

std::uint64_t next_random() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return engine();
}

void append_hex(std::string& out, std::uint64_t value, int digits) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4)
    out.push_back(kDigits[(value >> shift) & 0xF]);
}

}  // namespace

bool is_acceptable_request_id(std::string_view candidate) {
  if (candidate.empty() || candidate.size() > 128) return false;
  for (char c : candidate) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == ':' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string generate_request_id() {
  std::string id;
  id.reserve(32);
  append_hex(id, next_random(), 16);
  append_hex(id, next_random(), 16);
  return id;
}

TraceContext continue_trace(std::string_view incoming) {
  TraceContext context;
  std::string flags = "01";
  if (auto parent = tracing::parse_traceparent(incoming)) {
    context.trace_id = std::move(parent->trace_id);
    flags = std::string{incoming.substr(53, 2)};
  } else {
    context.trace_id = generate_request_id();
    // A new trace: recorded or not as the sampler decides (parent-based: the flag then
    // decides for every hop downstream). With tracing off the flag stays 01 as before.
    if (auto* tracer = tracing::tracer();
        tracer && !tracer->sampler().sample_root(context.trace_id))
      flags = "00";
  }
  context.traceparent.reserve(55);
  context.traceparent.append("00-").append(context.trace_id).append("-");
  append_hex(context.traceparent, next_random() | 1, 16);
  context.traceparent.append("-").append(flags);
  return context;
}

}  // namespace phonebill::http
