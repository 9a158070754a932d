// Request bodies of auth's endpoints, parsed and validated into plain structs (no I/O):
// every problem becomes a {field, reason} pair (SPEC §2 VALIDATION_ERROR), unknown
// fields are ignored. Rules: userId 3–20 of [A-Za-z0-9_-], password 8–64 characters
// (SPEC §3). The structs live in auth_inputs.hpp. Entry points: parse_*_request,
// is_valid_user_id.
#pragma once
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth_inputs.hpp"
#include "core/validation.hpp"

namespace phonebill::auth {

bool is_valid_user_id(std::string_view user_id);
// Unicode code points of valid UTF-8 text (the JSON parser guarantees validity).
std::size_t utf8_length(std::string_view text);

// Each returns nullopt when `errors` gained an entry. A body that is not a JSON object
// is reported as field "body".
std::optional<LoginRequest> parse_login_request(const boost::json::value& body,
                                                FieldErrors& errors);
std::optional<RefreshRequest> parse_refresh_request(const boost::json::value& body,
                                                    FieldErrors& errors);
std::optional<CreateUserRequest> parse_create_user_request(const boost::json::value& body,
                                                           FieldErrors& errors);
std::optional<PermissionsRequest> parse_permissions_request(const boost::json::value& body,
                                                            FieldErrors& errors);
std::optional<PermissionCheckRequest> parse_permission_check_request(const boost::json::value& body,
                                                                     FieldErrors& errors);

// The {id} path parameter of the admin routes; nullopt (and a "userId" error) unless valid.
std::optional<std::string> parse_user_id_parameter(std::string_view text, FieldErrors& errors);

}  // namespace phonebill::auth
