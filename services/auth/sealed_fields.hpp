// auth's personal data at rest (SPEC §14, docs/security.md "Data protection"): which
// columns are sealed, the associated data that binds each value to its row, and the
// blind index of line numbers. Stores seal on every write and read either form: the
// sealed column when set, else the clear one (a row the re-encryption pass has not
// reached since the upgrade). The mechanics are crypto::SealedColumns'.
// Entry points: SealedFields::seal, read, line_index.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "crypto/sealed_columns.hpp"
#include "store_support.hpp"

namespace phonebill::auth {

// Field names: the first part of each value's associated data (table.column). The row
// part is the row's key: the user id for users, the session id for sessions, and
// login_row(...) for login history (its bigserial id is not known before the insert).
inline constexpr std::string_view kUserNameField = "auth.users.user_name";
inline constexpr std::string_view kLineNumberField = "auth.users.line_number";
inline constexpr std::string_view kLoginClientIpField = "auth.login_history.client_ip";
inline constexpr std::string_view kSessionClientIpField = "auth.sessions.client_ip";

// The identity of a login-history row: who, which request, when (epoch milliseconds).
std::string login_row(std::string_view user_id, std::string_view request_id,
                      std::int64_t attempted_ms);

class SealedFields : public crypto::SealedColumns {
 public:
  using crypto::SealedColumns::SealedColumns;

  // The blind index of a canonical line number, as a bytea parameter.
  std::string line_index(std::string_view line_number) const {
    return index(kLineNumberField, line_number);
  }
};

}  // namespace phonebill::auth
