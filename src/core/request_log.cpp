// The request ids of a log line (see request_log.hpp).
#include "core/request_log.hpp"

#include "core/json_text.hpp"
#include "core/padded_digits.hpp"

#include <charconv>
#include <cmath>
#include <cstring>
#include <utility>

namespace phonebill::log {

boost::json::object request_log_fields(std::string_view request_id, std::string_view traceparent) {
  boost::json::object fields;
  fields.reserve(6);
  if (!request_id.empty()) fields["requestId"] = request_id;
  // 00-<32 hex trace id>-<16 hex span id>-<flags>
  if (traceparent.size() == 55 && traceparent[2] == '-' && traceparent[35] == '-' &&
      traceparent[52] == '-') {
    fields["traceId"] = traceparent.substr(3, 32);
    fields["spanId"] = traceparent.substr(36, 16);
  }
  return fields;
}

boost::json::object request_log_fields(const RequestInfo& request) {
  return request_log_fields(request.http_request_id, request.traceparent);
}

boost::json::object request_log_fields(const RequestInfo& request, boost::json::object fields) {
  auto line = request_log_fields(request);
  for (auto& field : fields) line[field.key()] = std::move(field.value());
  return line;
}

namespace {

// `,"key":` and a number's digits in one append. append(pointer, size), not
// append(first, last): the iterator pair goes through the general _M_replace (~70
// instructions a call, five fields a line: issue 17 item 2).
template <class Number>
void append_number(std::string& line, const FieldKey& key, Number value) {
  char text[FieldKey::kCapacity + 24];
  const std::size_t prefix_size = key.copy_prefix(text);
  auto end = std::to_chars(text + prefix_size, text + sizeof text, value).ptr;
  line.append(text, std::size_t(end - text));
}

// std::to_chars(value, fixed, 3)'s digits written from the integer number of thousandths
// when that number is certain (to_chars' exact algorithm costs ~600 instructions, two
// per access line): 1000 × value is rounded once as a double, an error far below 0.001 for
// values under 10^9, so only a product within 0.001 of a half-way point (where that
// error could decide the rounding), a negative value (-0.0 included) or a large one goes
// to to_chars. Returns the end of the text written at `out`, or nullptr.
char* put_thousandths(char* out, double value) {
  const double scaled = value * 1000.0;
  if (!(scaled >= 0.0 && scaled < 1e12) || std::signbit(value)) return nullptr;
  const double whole = std::floor(scaled);
  const double fraction = scaled - whole;
  if (std::fabs(fraction - 0.5) < 0.001) return nullptr;
  const auto thousandths = std::uint64_t(whole) + (fraction > 0.5 ? 1 : 0);
  out = std::to_chars(out, out + 24, thousandths / 1000).ptr;
  *out++ = '.';
  return put_padded(out, unsigned(thousandths % 1000), 3);
}

}  // namespace

void append_request_ids(std::string& line, std::string_view request_id,
                        std::string_view traceparent) {
  // As request_log_fields: the trace ids only from a well-formed traceparent.
  if (!request_id.empty()) append_field(line, "requestId", request_id);
  if (traceparent.size() == 55 && traceparent[2] == '-' && traceparent[35] == '-' &&
      traceparent[52] == '-') {
    append_field(line, "traceId", traceparent.substr(3, 32));
    append_field(line, "spanId", traceparent.substr(36, 16));
  }
}

// Room for a value written in one piece with its key (the access line's ids, route,
// address, upstream and user, and the user agent as the server cuts it: 200 bytes);
// longer ones take two appends.
constexpr std::size_t kShortValue = 200;

void append_field(std::string& line, const FieldKey& key, std::string_view value) {
  // A value with nothing to escape (nearly all) goes with its key and quotes in one append:
  // not the key's append, then a resize that fills what the value overwrites (issue 17
  // item 2).
  if (value.size() <= kShortValue && is_plain_json_string(value)) {
    char text[FieldKey::kCapacity + kShortValue + 2];
    char* at = text + key.copy_prefix(text);
    *at++ = '"';
    if (!value.empty()) std::memcpy(at, value.data(), value.size());
    at += value.size();
    *at++ = '"';
    line.append(text, std::size_t(at - text));
    return;
  }
  line.append(key.prefix());
  append_json_string(line, value);
}

void append_field(std::string& line, const FieldKey& key, std::int64_t value) {
  append_number(line, key, value);
}

void append_field(std::string& line, const FieldKey& key, std::uint64_t value) {
  append_number(line, key, value);
}

void append_field(std::string& line, const FieldKey& key, double value) {
  char text[96];
  const auto prefix = key.prefix();
  char* digits = text + key.copy_prefix(text);
  char* end = put_thousandths(digits, value);
  if (end == nullptr) {
    auto written = std::to_chars(digits, text + sizeof text, value, std::chars_format::fixed, 3);
    // Not a JSON number (inf, nan) or past 10^90: null, where the old code wrote "nan"
    // or a cut-off text, either of which broke the line's JSON.
    if (!std::isfinite(value) || written.ec != std::errc{}) {
      line.append(prefix).append("null");
      return;
    }
    end = written.ptr;
  }
  line.append(text, std::size_t(end - text));
}

}  // namespace phonebill::log
