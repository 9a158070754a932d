// The run-time checks and the rendering of one "\r\nName: value" header line.
#include "http/header_line.hpp"

namespace phonebill::http {

bool has_line_break(std::string_view text) {
  return text.find('\n') != std::string_view::npos || text.find('\r') != std::string_view::npos;
}

bool append_header_line(std::string& lines, std::string_view name, std::string_view value) {
  if (name.empty() || has_line_break(value) || is_framing_name(name)) return false;
  for (char c : name)  // names are short: a plain loop, not three memchr calls
    if (c == '\r' || c == '\n' || c == ':') return false;
  using namespace std::string_view_literals;
  lines.append("\r\n"sv).append(name).append(": "sv).append(value);
  return true;
}

bool append_known_header_line(std::string& lines, const FieldName& name, std::string_view value) {
  if (has_line_break(value)) return false;
  lines.append(name.line_start()).append(value);
  return true;
}

}  // namespace phonebill::http
