// W3C traceparent parsing and random ids (see span_context.hpp).
#include "tracing/span_context.hpp"

#include <cstdint>
#include <random>

namespace phonebill::tracing {
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

bool is_lower_hex(std::string_view text) {
  for (char c : text)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

bool all_zero(std::string_view text) {
  return text.find_first_not_of('0') == std::string_view::npos;
}

int hex_value(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }

}  // namespace

std::string SpanContext::traceparent() const {
  std::string text;
  text.reserve(55);
  text.append("00-").append(trace_id).append("-").append(span_id).append(sampled ? "-01" : "-00");
  return text;
}

bool is_valid_traceparent(std::string_view text) {
  return text.size() == 55 && text.substr(0, 3) == "00-" && text[35] == '-' &&
         text[52] == '-' && is_lower_hex(text.substr(3, 32)) &&
         is_lower_hex(text.substr(36, 16)) && is_lower_hex(text.substr(53, 2)) &&
         !all_zero(text.substr(3, 32)) && !all_zero(text.substr(36, 16));
}

std::optional<SpanContext> parse_traceparent(std::string_view text) {
  if (!is_valid_traceparent(text)) return std::nullopt;
  SpanContext context;
  context.trace_id = std::string{text.substr(3, 32)};
  context.span_id = std::string{text.substr(36, 16)};
  context.sampled = (hex_value(text[54]) & 0x1) != 0;
  return context;
}

void append_span_id(std::string& out) { append_hex(out, next_random() | 1, 16); }

void append_trace_id(std::string& out) {
  append_hex(out, next_random(), 16);
  append_hex(out, next_random() | 1, 16);
}

std::string new_span_id() {
  std::string id;
  id.reserve(16);
  append_span_id(id);
  return id;
}

std::string new_trace_id() {
  std::string id;
  id.reserve(32);
  append_trace_id(id);
  return id;
}

}  // namespace phonebill::tracing
