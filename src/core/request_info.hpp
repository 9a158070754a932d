// The request a domain call serves, as far as the domain needs it: ids to propagate to
// KOS and to write into history, and the one deadline everything under it narrows.
#pragma once
#include <string>

#include "core/deadline.hpp"

namespace phonebill {

struct RequestInfo {
  std::string http_request_id;
  std::string traceparent;
  std::string trace_id;
  Deadline deadline;
};

}  // namespace phonebill
