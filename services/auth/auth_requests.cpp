// The request-body parsers and their SPEC §3 field rules (see auth_requests.hpp).
#include "auth_requests.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/json.hpp"
#include "core/line_number.hpp"
#include "permissions.hpp"

namespace phonebill::auth {
namespace {

constexpr std::size_t kMinPasswordLength = 8;
constexpr std::size_t kMaxPasswordLength = 64;
constexpr std::size_t kMaxRefreshTokenLength = 512;
constexpr std::size_t kMaxUserNameLength = 50;
constexpr std::size_t kMaxCustomerIdLength = 20;

const boost::json::object* object_body(const boost::json::value& body, FieldErrors& errors) {
  if (!body.is_object()) {
    errors.add("body", "must be a JSON object");
    return nullptr;
  }
  return &body.get_object();
}

bool is_id_character(char character) {
  return (character >= 'A' && character <= 'Z') || (character >= 'a' && character <= 'z') ||
         (character >= '0' && character <= '9') || character == '_' || character == '-';
}

bool is_id_text(std::string_view text, std::size_t min, std::size_t max) {
  if (text.size() < min || text.size() > max) return false;
  for (char character : text)
    if (!is_id_character(character)) return false;
  return true;
}

void check_user_id(const std::optional<std::string>& user_id, FieldErrors& errors) {
  if (user_id && !is_valid_user_id(*user_id))
    errors.add("userId", "must be 3-20 letters, digits, '_' or '-'");
}

void check_password(const std::optional<std::string>& password, FieldErrors& errors) {
  if (!password) return;
  auto length = utf8_length(*password);
  if (length < kMinPasswordLength || length > kMaxPasswordLength)
    errors.add("password", "must be 8-64 characters");
}

// The permission names of an array field; each bad element is reported by index.
std::optional<std::vector<std::string>> read_permissions(JsonReader& reader, FieldErrors& errors) {
  const auto* array = reader.array("permissions", Presence::kRequired);
  if (array == nullptr) return std::nullopt;
  std::vector<std::string> names;
  bool valid = true;
  for (std::size_t index = 0; index < array->size(); ++index) {
    const auto& item = (*array)[index];
    if (!item.is_string() || !is_known_permission(item.get_string())) {
      errors.add("permissions[" + std::to_string(index) + "]",
                 "must be one of BILL_INQUIRY, PRODUCT_CHANGE, ADMIN");
      valid = false;
      continue;
    }
    names.emplace_back(item.get_string());
  }
  if (!valid) return std::nullopt;
  return canonical_permissions(names);
}

}  // namespace

bool is_valid_user_id(std::string_view user_id) { return is_id_text(user_id, 3, 20); }

std::size_t utf8_length(std::string_view text) {
  std::size_t count = 0;
  for (unsigned char byte : text)
    if ((byte & 0xC0) != 0x80) ++count;
  return count;
}

std::optional<LoginRequest> parse_login_request(const boost::json::value& body,
                                                FieldErrors& errors) {
  const auto* object = object_body(body, errors);
  if (object == nullptr) return std::nullopt;
  JsonReader reader{*object, errors};
  auto user_id = reader.string("userId", Presence::kRequired);
  auto password = reader.string("password", Presence::kRequired);
  auto auto_login = reader.boolean("autoLogin", Presence::kOptional);
  check_user_id(user_id, errors);
  check_password(password, errors);
  if (!errors.empty()) return std::nullopt;
  return LoginRequest{std::move(*user_id), std::move(*password), auto_login.value_or(false)};
}

std::optional<RefreshRequest> parse_refresh_request(const boost::json::value& body,
                                                    FieldErrors& errors) {
  const auto* object = object_body(body, errors);
  if (object == nullptr) return std::nullopt;
  JsonReader reader{*object, errors};
  auto token = reader.string("refreshToken", Presence::kRequired);
  if (token && (token->empty() || token->size() > kMaxRefreshTokenLength))
    errors.add("refreshToken", "must be 1-512 characters");
  if (!errors.empty()) return std::nullopt;
  return RefreshRequest{std::move(*token)};
}

std::optional<CreateUserRequest> parse_create_user_request(const boost::json::value& body,
                                                           FieldErrors& errors) {
  const auto* object = object_body(body, errors);
  if (object == nullptr) return std::nullopt;
  JsonReader reader{*object, errors};
  auto user_id = reader.string("userId", Presence::kRequired);
  auto password = reader.string("password", Presence::kRequired);
  auto user_name = reader.string("userName", Presence::kRequired);
  auto customer_id = reader.string("customerId", Presence::kRequired);
  auto line_text = reader.string("lineNumber", Presence::kRequired);
  auto permissions = read_permissions(reader, errors);
  check_user_id(user_id, errors);
  check_password(password, errors);
  if (user_name) {
    auto length = utf8_length(*user_name);
    bool blank = user_name->find_first_not_of(" \t\r\n") == std::string::npos;
    if (length == 0 || length > kMaxUserNameLength || blank)
      errors.add("userName", "must be 1-50 characters, not blank");
  }
  if (customer_id && !is_id_text(*customer_id, 1, kMaxCustomerIdLength))
    errors.add("customerId", "must be 1-20 letters, digits, '_' or '-'");
  std::optional<std::string> line_number;
  if (line_text) {
    line_number = normalize_line_number(*line_text);
    if (!line_number) errors.add("lineNumber", "must be a mobile number such as 010-1234-5678");
  }
  if (!errors.empty()) return std::nullopt;
  return CreateUserRequest{std::move(*user_id),     std::move(*password),
                           std::move(*user_name),   std::move(*customer_id),
                           std::move(*line_number), std::move(*permissions)};
}

std::optional<PermissionsRequest> parse_permissions_request(const boost::json::value& body,
                                                            FieldErrors& errors) {
  const auto* object = object_body(body, errors);
  if (object == nullptr) return std::nullopt;
  JsonReader reader{*object, errors};
  auto permissions = read_permissions(reader, errors);
  if (!errors.empty()) return std::nullopt;
  return PermissionsRequest{std::move(*permissions)};
}

std::optional<PermissionCheckRequest> parse_permission_check_request(const boost::json::value& body,
                                                                     FieldErrors& errors) {
  const auto* object = object_body(body, errors);
  if (object == nullptr) return std::nullopt;
  JsonReader reader{*object, errors};
  auto service_type = reader.string("serviceType", Presence::kRequired);
  if (service_type && !is_known_permission(*service_type))
    errors.add("serviceType", "must be one of BILL_INQUIRY, PRODUCT_CHANGE, ADMIN");
  if (!errors.empty()) return std::nullopt;
  return PermissionCheckRequest{std::move(*service_type)};
}

std::optional<std::string> parse_user_id_parameter(std::string_view text, FieldErrors& errors) {
  if (!is_valid_user_id(text)) {
    errors.add("userId", "must be 3-20 letters, digits, '_' or '-'");
    return std::nullopt;
  }
  return std::string{text};
}

}  // namespace phonebill::auth
