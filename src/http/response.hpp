// The response a handler returns, and builders for SPEC §2 success bodies.
#pragma once
#include <boost/json/value.hpp>

#include <string>
#include <string_view>

#include "http/request.hpp"

namespace phonebill::http {

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  HeaderList headers;  // extra headers (Retry-After, Location, ...)

  void set_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
  // The first header named exactly `name` (as it was set), or empty.
  std::string_view header(std::string_view name) const {
    for (const auto& [key, value] : headers)
      if (key == name) return value;
    return {};
  }
};

// {"success": true, "data": data[, "message": message]}
Response success_response(const boost::json::value& data, int status = 200,
                          std::string_view message = {});
// Any JSON document as it is (e.g. a legacy envelope).
Response json_response(const boost::json::value& document, int status = 200);
Response text_response(std::string body, std::string content_type, int status = 200);

}  // namespace phonebill::http
