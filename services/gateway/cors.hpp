// CORS from an allow-list of exact origins (SPEC §4). A request from a listed origin
// gets Access-Control-Allow-Origin for that origin (and Vary: Origin); others get no
// CORS headers, so browsers keep the answer from them. Preflights (OPTIONS with
// Access-Control-Request-Method) are answered here and never reach an upstream. No
// credentials mode: the API takes bearer tokens, not cookies. Pure.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "http/request.hpp"
#include "http/response.hpp"

namespace phonebill::gateway {

class CorsPolicy {
 public:
  explicit CorsPolicy(std::vector<std::string> allowed_origins);

  bool allows(std::string_view origin) const;
  // Adds the response headers for `request`'s Origin, if it is allowed.
  void decorate(const http::Request& request, http::Response& response) const;
  // The answer to an OPTIONS request: 204 with the allowed methods and headers for a
  // listed origin's preflight; 403 FORBIDDEN for an unlisted one; 204 with Allow for a
  // plain OPTIONS.
  http::Response preflight(const http::Request& request) const;

 private:
  std::vector<std::string> origins_;
};

}  // namespace phonebill::gateway
