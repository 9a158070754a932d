// The ids a log line about a request carries (SPEC §13): requestId, and the traceId and
// spanId of the span it happened in (from the W3C traceparent the request carries), so an
// operator can go from a line to its trace. Entry point: request_log_fields.
#pragma once
#include <boost/json/object.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
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

// A rendered field's key, quoted at compile time: the text `,"key":` ready to append, so a
// line does not run its keys through the escaper (issue 17 item 2). Keys are literals
// made of characters JSON leaves as they are; anything else does not compile.
class FieldKey {
 public:
  static constexpr std::size_t kCapacity = 32;

  template <std::size_t kSize>
  consteval FieldKey(const char (&key)[kSize]) : size_{kSize - 1 + 4} {
    static_assert(kSize - 1 + 4 <= kCapacity, "a log field key this long");
    text_[0] = ',';
    text_[1] = '"';
    for (std::size_t i = 0; i + 1 < kSize; ++i) {
      const char character = key[i];
      if (character == '"' || character == '\\' || static_cast<unsigned char>(character) < 0x20)
        throw "a log field key needs no JSON escape";
      text_[2 + i] = character;
    }
    text_[kSize + 1] = '"';
    text_[kSize + 2] = ':';
  }

  // `,"key":`
  std::string_view prefix() const { return {text_, size_}; }

  // Copies `,"key":` to `out` (which has room for kCapacity bytes) and returns its size: all
  // kCapacity bytes go, a fixed-size copy the compiler inlines where prefix().copy(...) is a
  // memcpy call.
  std::size_t copy_prefix(char* out) const {
    std::memcpy(out, text_, kCapacity);
    return size_;
  }

 private:
  char text_[kCapacity] = {};
  std::size_t size_;
};

// The same fields rendered straight into `line` for log::write_rendered, for a line
// written on every request (the access log) that should not build a JSON object: each
// appends `,"key":value` (strings escaped as boost::json::serialize escapes them).
void append_request_ids(std::string& line, std::string_view request_id,
                        std::string_view traceparent);
void append_field(std::string& line, const FieldKey& key, std::string_view value);
void append_field(std::string& line, const FieldKey& key, std::int64_t value);
void append_field(std::string& line, const FieldKey& key, std::uint64_t value);
// Fixed-point with three decimals, so that it always reads back as a double: exactly
// std::to_chars(value, std::chars_format::fixed, 3)'s text.
void append_field(std::string& line, const FieldKey& key, double value);

}  // namespace phonebill::log
