// The response a handler returns, and builders for SPEC §2 success bodies.
#pragma once
#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include "http/header_line.hpp"
#include "http/request.hpp"

namespace phonebill::http {

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Extra headers (Retry-After, Location, ...): added through set_header, which refuses
  // what could split the head, or taken from a parsed message whose parser refused it.
  HeaderList headers;
  // More header fields, rendered as "\r\nName: value" lines (header_line.hpp) and written
  // after `headers`: what a proxy adds to every answer (Server-Timing, RateLimit-Policy,
  // RateLimit) in one string, without a std::string per name and per value (issue 17
  // item 2: "RateLimit-Policy" and most of those values outgrow std::string's own room, a
  // malloc each). Written only through add_header_line, which refuses CR and LF.
  std::string header_lines;
  // The upstream time a proxy announced in header_lines' Server-Timing ("upstream;dur=12.3"),
  // in tenths of a millisecond, or -1: the access log takes it from here instead of
  // parsing the header back (issue 17 item 2: ~350 instructions a line). Set only with
  // that header line, to the number it shows.
  std::int64_t upstream_tenths = -1;

  // Adds the field; false (and nothing added) if the value holds CR or LF or the name is
  // not a token (RFC 9110 §5.1): a handler's value must never write a field of its own
  // (response splitting), whoever it came from.
  bool set_header(std::string name, std::string value);
  // Renders the field into header_lines; false (and nothing added) if the value holds CR
  // or LF (the name was checked when compiling).
  bool add_header_line(const FieldName& name, std::string_view value);
  // The first header named exactly `name` (as it was set), in `headers` then in
  // header_lines, or empty.
  std::string_view header(std::string_view name) const;
};

// {"success": true, "data": data[, "message": message]}
Response success_response(const boost::json::value& data, int status = 200,
                          std::string_view message = {});
// Any JSON document as it is (e.g. a legacy envelope).
Response json_response(const boost::json::value& document, int status = 200);
Response text_response(std::string body, std::string content_type, int status = 200);

}  // namespace phonebill::http
