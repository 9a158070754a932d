// Query strings as every service reads them: pairs split on '&', name and value on the
// first '=', '+' as a space, %XX escapes decoded. Written by hand rather than with
// Boost.URL's params_view, which throws on a malformed escape (a 500 for `?page=%zz`)
// and on characters browsers send unencoded in queries ('|', '{', '^'). The server
// refuses a query that query_string_problem objects to before any handler runs.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace phonebill::http {

// Percent-decodes one URL component; nullopt on a '%' not followed by two hex digits.
std::optional<std::string> percent_decode(std::string_view text, bool plus_as_space);

// Why the query cannot be read ("malformed percent-encoding", "not valid UTF-8 once
// decoded", "control character"), or nullopt when every name and value decodes cleanly.
std::optional<std::string> query_string_problem(std::string_view query);

// Decoded value of the first parameter called `name`; nullopt if absent. A value whose
// escapes are malformed comes back undecoded, so a validator rejects it rather than
// reading it as absent (only reachable when the server's check was bypassed, in tests).
std::optional<std::string> find_query_parameter(std::string_view query, std::string_view name);

}  // namespace phonebill::http
