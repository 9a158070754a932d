// JSON text written by hand where a boost::json tree per request would cost more than the
// answer (issue 17: the inquiry's answer, the history batch's rows, the access log line): a string
// value with the escapes JSON requires, appended to the text being written. Entry point:
// append_json_string.
#pragma once
#include <string>
#include <string_view>

namespace phonebill {

// `value` as a JSON string at the end of `out`: quote, backslash and control characters
// escaped, every other byte (UTF-8 included) as it is — what boost::json writes.
void append_json_string(std::string& out, std::string_view value);

// Whether `value` holds nothing JSON escapes: written between two quotes as it is, it is
// append_json_string's text (a caller can then write it in one piece with what is around it).
bool is_plain_json_string(std::string_view value);

}  // namespace phonebill
