// The request a handler sees: plain strings, no Beast types, so handlers and
// domain code compile without the heavy networking headers (STYLE §3).
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/deadline.hpp"

namespace phonebill::http {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string path;    // target without the query string, as sent (percent-encoded)
  std::string query;   // raw query string without '?'
  HeaderList headers;  // names lower-cased
  std::string body;
  std::vector<std::pair<std::string, std::string>> path_parameters;  // decoded
  std::string route;           // matched route pattern ("unmatched" if none)
  std::string request_id;      // X-Request-Id, from the client or generated
  std::string traceparent;     // W3C traceparent to propagate downstream
  std::string trace_id;        // 32 hex digits of traceparent
  std::string remote_address;  // peer IP
  Deadline deadline;           // every downstream wait ends by this time
  // Filled by handlers for the access log (empty: not logged).
  std::string user_id;   // the authenticated user
  std::string upstream;  // the instance that answered (gateway)

  // Value of the first header with this lower-case name, empty if absent.
  std::string_view header(std::string_view lowercase_name) const;
  // Percent-decoded query parameter; nullopt if absent.
  std::optional<std::string> query_parameter(std::string_view name) const;
  // Decoded path parameter of the matched route ({name} in the pattern).
  std::string_view path_parameter(std::string_view name) const;
};

// Makes `request` as a new Request but for the storage of its strings and lists, so the
// server's next request on this thread fills them without an allocation each (issue 17
// item 3: nine per request). The header fields are kept as they are, for the next
// request's to overwrite: only the server, which refills them all, may reuse a request.
void clear_keeping_storage(Request& request);

// `c` lower-cased if it is an ASCII capital letter (header names are ASCII tokens): no
// locale lookup per character, as std::tolower makes.
constexpr char lower_ascii(char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; }

}  // namespace phonebill::http
