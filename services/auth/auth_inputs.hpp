// What auth's use cases take in, already validated (auth_requests.hpp parses them from
// request bodies): plain structs, no JSON. Entry points: LoginRequest, RefreshRequest,
// CreateUserRequest, PermissionsRequest, PermissionCheckRequest.
#pragma once
#include <string>
#include <vector>

namespace phonebill::auth {

struct LoginRequest {
  std::string user_id;
  std::string password;  // never log it
  bool auto_login = false;
};

struct RefreshRequest {
  std::string refresh_token;  // never log it
};

struct CreateUserRequest {
  std::string user_id;
  std::string password;  // never log it
  std::string user_name;
  std::string customer_id;
  std::string line_number;               // canonical 11 digits
  std::vector<std::string> permissions;  // canonical order, each once
};

struct PermissionsRequest {
  std::vector<std::string> permissions;  // canonical order, each once
};

struct PermissionCheckRequest {
  std::string service_type;  // one of the three permission names
};

}  // namespace phonebill::auth
