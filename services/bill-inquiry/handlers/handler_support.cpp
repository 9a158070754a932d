// The RequestInfo of a bill-inquiry request (see handler_support.hpp).
#include "handlers/handler_support.hpp"

namespace phonebill::bill {

RequestInfo request_info(const http::Request& request) {
  return RequestInfo{request.request_id, request.traceparent, request.trace_id, request.deadline};
}

}  // namespace phonebill::bill
