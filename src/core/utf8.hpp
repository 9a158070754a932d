// UTF-8 well-formedness of untrusted text (query parameters, paths, header values) before
// it reaches a store or a JSON answer: PostgreSQL refuses invalid UTF-8 and NUL in text
// parameters, which would otherwise surface as a 500 far from the bad input.
#pragma once
#include <string_view>

namespace phonebill {

// True for well-formed UTF-8 (no overlong forms, no surrogates, at most U+10FFFF).
bool is_valid_utf8(std::string_view text);

// True when the text holds a C0 control character (NUL included) or DEL.
bool has_control_character(std::string_view text);

}  // namespace phonebill
