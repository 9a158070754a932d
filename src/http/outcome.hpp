// The result of a service's use case: a value, or the SPEC §2 error to answer with (the
// detail for the log was logged where it happened). One shape for every service, and
// the one place that turns it into a response. Entry points: Outcome, respond.
#pragma once
#include <boost/json/object.hpp>
#include <boost/system/result.hpp>

#include "http/api_error.hpp"
#include "http/request.hpp"
#include "http/response.hpp"

namespace phonebill::http {

struct Failure {
  ApiError error;
};
// boost::system::result's .value() on a Failure: a bug in the caller, thrown as logic_error.
[[noreturn]] void throw_exception_from_error(const Failure& failure,
                                             const boost::source_location& location);

template <typename T>
using Outcome = boost::system::result<T, Failure>;

// A failure → its error envelope; every 503 carries Retry-After (details.retryAfterSeconds,
// else 1 s); a value → {"success": true, "data": ...} with `status`. Both are per-user
// answers: Cache-Control: no-store.
Response respond(const Request& request, const Outcome<boost::json::object>& outcome,
                 int status = 200);
Response respond(const Request& request, const Failure& failure);

}  // namespace phonebill::http
