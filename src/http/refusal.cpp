// refusal_error: see refusal.hpp.
#include "http/refusal.hpp"

#include <boost/json/object.hpp>

namespace phonebill::http {

ApiError refusal_error(ApiError answer, const FieldErrors& fields,
                       std::optional<std::chrono::seconds> retry_after) {
  if (!fields.empty()) answer.details = fields.to_json();
  if (retry_after)
    answer.details = boost::json::object{{"retryAfterSeconds", retry_after->count()}};
  return answer;
}

}  // namespace phonebill::http
