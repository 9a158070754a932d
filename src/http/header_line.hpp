// Header fields rendered by hand as "\r\nName: value" lines, refusing what could smuggle a
// request or an answer: the one rule the client's forwarded fields and a response's
// rendered fields follow. Entry points: append_header_line, has_line_break.
#pragma once
#include <string>
#include <string_view>

namespace phonebill::http {

// CR or LF anywhere in `text`: one pass (byte_scan.hpp), not one memchr per character.
bool has_line_break(std::string_view text);

// Appends "\r\nname: value" to `lines` unless the field could smuggle a message (CR or
// LF, a name that is empty or holds a colon) or frame it (Host, Content-Length,
// Transfer-Encoding: framing is the writer's alone). One pass over the name and one over
// the value; the pieces are appended with their sizes known. false: the field was left out.
bool append_header_line(std::string& lines, std::string_view name, std::string_view value);

}  // namespace phonebill::http
