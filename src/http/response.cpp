// Response builders for SPEC §2 success bodies and plain answers.
#include "http/response.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace phonebill::http {

Response success_response(const boost::json::value& data, int status, std::string_view message) {
  boost::json::object envelope;
  envelope["success"] = true;
  envelope["data"] = data;
  if (!message.empty()) envelope["message"] = message;
  return json_response(envelope, status);
}

Response json_response(const boost::json::value& document, int status) {
  Response response;
  response.status = status;
  response.body = boost::json::serialize(document);
  return response;
}

Response text_response(std::string body, std::string content_type, int status) {
  Response response;
  response.status = status;
  response.content_type = std::move(content_type);
  response.body = std::move(body);
  return response;
}

}  // namespace phonebill::http
