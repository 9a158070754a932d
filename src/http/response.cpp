// Response builders for SPEC §2 success bodies and plain answers, and the header fields a
// response carries.
#include "http/response.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace phonebill::http {

namespace {
// Room for what a gateway renders into header_lines (Server-Timing, both rate-limit
// fields of three policies): the string is allocated once, never regrown.
constexpr std::size_t kHeaderLinesRoom = 192;
}  // namespace

bool Response::set_header(std::string name, std::string value) {
  if (name.empty() || has_line_break(value)) return false;
  for (char c : name)
    if (!is_token_char(c)) return false;
  headers.emplace_back(std::move(name), std::move(value));
  return true;
}

bool Response::add_header_line(const FieldName& name, std::string_view value) {
  if (header_lines.capacity() < kHeaderLinesRoom) header_lines.reserve(kHeaderLinesRoom);
  return append_known_header_line(header_lines, name, value);
}

std::string_view Response::header(std::string_view name) const {
  for (const auto& [key, value] : headers)
    if (key == name) return value;
  // Each line is "\r\nName: value"; the value holds no CR or LF.
  std::string_view rest = header_lines;
  while (rest.size() >= 2) {
    rest.remove_prefix(2);
    auto line = rest.substr(0, rest.find("\r\n"));
    rest.remove_prefix(line.size());
    auto colon = line.find(": ");
    if (colon != std::string_view::npos && line.substr(0, colon) == name)
      return line.substr(colon + 2);
  }
  return {};
}

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
