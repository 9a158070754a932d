// The one reader of a JSON request body (SPEC §2), for every service and kos-sim. One
// rule for an empty body: a body of nothing but blanks is an empty object ("no fields"),
// so the handler names each missing required field (VALIDATION_ERROR) and a request whose
// fields are all optional takes its defaults. Entry points: read_json_object, body_answer.
#pragma once
#include <boost/json/object.hpp>

#include "core/result.hpp"
#include "http/api_error.hpp"
#include "http/request.hpp"

namespace phonebill::http {

enum class BodyStatus {
  kInvalidJson,  // not JSON at all (INVALID_JSON)
  kNotAnObject,  // JSON, but not an object (VALIDATION_ERROR, field "body")
};

// The request body as a JSON object; a blank body is an empty object.
Result<boost::json::object, BodyStatus> read_json_object(const Request& request);

// The edge table for BodyStatus: INVALID_JSON or VALIDATION_ERROR (use with
// respond_refusal, which adds the refusal's field errors as details).
ApiError body_answer(BodyStatus status);

}  // namespace phonebill::http
