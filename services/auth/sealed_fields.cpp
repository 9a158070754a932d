// The identity of auth's login-history rows for sealing (sealed_fields.hpp).
#include "sealed_fields.hpp"

namespace phonebill::auth {

std::string login_row(std::string_view user_id, std::string_view request_id,
                      std::int64_t attempted_ms) {
  std::string row{user_id};
  row.push_back('\0');
  row.append(request_id);
  row.push_back('\0');
  row.append(std::to_string(attempted_ms));
  return row;
}

}  // namespace phonebill::auth
