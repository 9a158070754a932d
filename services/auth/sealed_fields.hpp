// auth's personal data at rest (SPEC §14, docs/security.md "Data protection"): which
// columns are sealed, the associated data that binds each value to its row, and the
// blind index of line numbers. Stores seal on every write and read either form: the
// sealed column when set, else the clear one (a row the re-encryption pass has not
// reached since the upgrade). Entry points: SealedFields::seal, read, line_index.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "crypto/blind_index.hpp"
#include "crypto/field_cipher.hpp"
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

class SealedFields {
 public:
  // Keeps a reference: the ring must outlive this object.
  explicit SealedFields(const crypto::KeyRing& ring);

  // `value` sealed for `field` of `row`, as a bytea parameter ("\x..." text).
  std::string seal(std::string_view field, std::string_view row, std::string_view value) const;
  // The blind index of a canonical line number, as a bytea parameter.
  std::string line_index(std::string_view line_number) const;

  // Column `column` of `rows[row]`: `<column>_sealed` opened when it is not NULL, else
  // the clear `<column>`. A value that does not open is an error naming the field (a
  // wrong or lost key that the start-up check did not catch), never shown as data.
  PgResult<std::string> read(const storage::PgRows& rows, std::size_t row, std::string_view column,
                             std::string_view field, std::string_view row_identity) const;

  const crypto::FieldCipher& cipher() const { return cipher_; }

 private:
  crypto::FieldCipher cipher_;
  crypto::BlindIndex index_;
};

}  // namespace phonebill::auth
