// The checks and the rendering of one "\r\nName: value" header line.
#include "http/header_line.hpp"

#include <boost/beast/core/string.hpp>

#include "http/byte_scan.hpp"

namespace phonebill::http {
namespace {

// Host, Content-Length or Transfer-Encoding in any case; the size decides first, so most
// names cost one comparison of lengths (issue 17 item 2).
bool is_framing_name(std::string_view name) {
  switch (name.size()) {
    case 4:
      return boost::beast::iequals(name, "host");
    case 14:
      return boost::beast::iequals(name, "content-length");
    case 17:
      return boost::beast::iequals(name, "transfer-encoding");
    default:
      return false;
  }
}

}  // namespace

bool has_line_break(std::string_view text) {
  return any_byte(text, [](unsigned char byte) { return (byte == '\r') | (byte == '\n'); });
}

bool append_header_line(std::string& lines, std::string_view name, std::string_view value) {
  bool bad_name = name.empty() || any_byte(name, [](unsigned char byte) {
                    return (byte == '\r') | (byte == '\n') | (byte == ':');
                  });
  if (bad_name || has_line_break(value) || is_framing_name(name)) return false;
  using namespace std::string_view_literals;
  lines.append("\r\n"sv).append(name).append(": "sv).append(value);
  return true;
}

}  // namespace phonebill::http
