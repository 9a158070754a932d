// The RequestInfo (core/request_info.hpp) a domain call gets from the HTTP request it
// serves: its ids to propagate and log, and its deadline. Entry point: request_info.
#pragma once
#include "core/request_info.hpp"
#include "http/request.hpp"

namespace phonebill::http {

inline RequestInfo request_info(const Request& request) {
  return RequestInfo{request.request_id, request.traceparent, request.trace_id, request.deadline};
}

}  // namespace phonebill::http
