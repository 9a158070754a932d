// The request ids of a log line (see request_log.hpp).
#include "core/request_log.hpp"

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

}  // namespace phonebill::log
