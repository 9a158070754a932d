// SealedFields: auth's columns sealed and read back (sealed_fields.hpp).
#include "sealed_fields.hpp"

#include "core/log.hpp"

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

SealedFields::SealedFields(const crypto::KeyRing& ring) : cipher_(ring), index_(ring) {}

std::string SealedFields::seal(std::string_view field, std::string_view row,
                               std::string_view value) const {
  return crypto::pg_bytea_text(cipher_.seal(value, crypto::associated_data(field, row)));
}

std::string SealedFields::line_index(std::string_view line_number) const {
  return crypto::pg_bytea_text(index_.compute(kLineNumberField, line_number));
}

PgResult<std::string> SealedFields::read(const storage::PgRows& rows, std::size_t row,
                                         std::string_view column, std::string_view field,
                                         std::string_view row_identity) const {
  const std::string sealed_column = std::string{column} + "_sealed";
  if (rows.is_null(row, sealed_column)) return std::string{rows.text(row, column)};
  auto sealed = crypto::from_pg_bytea_text(rows.text(row, sealed_column));
  auto opened =
      sealed ? cipher_.open(*sealed, crypto::associated_data(field, row_identity))
             : boost::system::result<std::string, crypto::OpenError>{crypto::OpenError::kMalformed};
  if (opened) return std::move(*opened);
  log::error("sealed_value_refused",
             {{"field", field}, {"reason", crypto::to_string(opened.error())}});
  return storage::local_error(
      storage::PgErrorKind::kQuery,
      std::string{field} + " does not open: " + std::string{crypto::to_string(opened.error())});
}

}  // namespace phonebill::auth
