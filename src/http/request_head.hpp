// The checks every request passes before routing, in every service (SPEC §2: a malformed
// part of a request is a 400 VALIDATION_ERROR, never a 500). The target must be
// origin-form ("/path?query") whose escapes are well-formed and decode to UTF-8 without
// control characters, in the path and in each query name and value; header values must
// be UTF-8. Beast has already refused what HTTP/1.1 framing forbids (CR/LF, NUL, spaces
// in the target); these are the rest, which handlers and stores would otherwise trip on.
#pragma once
#include <string_view>

#include "core/validation.hpp"
#include "http/request.hpp"

namespace phonebill::http {

struct RequestTarget {
  std::string_view path;   // as sent, still percent-encoded
  std::string_view query;  // without the '?', empty if none
};

// Splits a target at its first '?'.
RequestTarget split_target(std::string_view target);

// Adds a {field, reason} for each malformed part: "path", "query", "headers" (the reason
// names the header, never its value, which may be a credential).
void check_request_head(const RequestTarget& target, const HeaderList& headers,
                        FieldErrors& errors);

}  // namespace phonebill::http
