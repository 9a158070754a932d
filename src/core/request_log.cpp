// The request ids of a log line (see request_log.hpp).
#include "core/request_log.hpp"

#include "core/json_text.hpp"

#include <charconv>
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

void append_key(std::string& line, std::string_view key) {
  line.push_back(',');
  append_json_string(line, key);
  line.push_back(':');
}

template <class Number>
void append_number(std::string& line, Number value) {
  char digits[32];
  auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  line.append(digits, end);
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

void append_field(std::string& line, std::string_view key, std::string_view value) {
  append_key(line, key);
  append_json_string(line, value);
}

void append_field(std::string& line, std::string_view key, std::int64_t value) {
  append_key(line, key);
  append_number(line, value);
}

void append_field(std::string& line, std::string_view key, std::uint64_t value) {
  append_key(line, key);
  append_number(line, value);
}

void append_field(std::string& line, std::string_view key, double value) {
  append_key(line, key);
  char digits[64];
  auto end = std::to_chars(digits, digits + sizeof digits, value, std::chars_format::fixed, 3).ptr;
  line.append(digits, end);
}

}  // namespace phonebill::log
