// read_json_object and body_answer: the one JSON body reader (see json_body.hpp).
#include "http/json_body.hpp"

#include "core/json.hpp"

namespace phonebill::http {

Result<boost::json::object, BodyStatus> read_json_object(const Request& request) {
  if (request.body.find_first_not_of(" \t\r\n") == std::string::npos) return boost::json::object{};
  auto body = parse_json(request.body);
  if (!body) return refuse(BodyStatus::kInvalidJson);
  if (!body->is_object()) {
    FieldErrors fields;
    fields.add("body", "must be a JSON object");
    return refuse(BodyStatus::kNotAnObject, std::move(fields));
  }
  return std::move(body->as_object());
}

ApiError body_answer(BodyStatus status) {
  switch (status) {
    case BodyStatus::kInvalidJson:
      return common_error(CommonError::kInvalidJson);
    case BodyStatus::kNotAnObject:
      return common_error(CommonError::kValidationError);
  }
  return common_error(CommonError::kInvalidJson);
}

}  // namespace phonebill::http
