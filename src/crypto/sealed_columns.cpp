// Sealed values in rows and text stores (sealed_columns.hpp).
#include "crypto/sealed_columns.hpp"

#include "core/log.hpp"

namespace phonebill::crypto {

namespace {

storage::PgResult<std::string> refused(std::string_view field, OpenError error) {
  log::error("sealed_value_refused", {{"field", field}, {"reason", to_string(error)}});
  return storage::local_error(
      storage::PgErrorKind::kQuery,
      std::string{field} + " does not open: " + std::string{to_string(error)});
}

}  // namespace

SealedColumns::SealedColumns(const KeyRing& ring) : cipher_(ring), index_(ring) {}

std::string SealedColumns::seal(std::string_view field, std::string_view row,
                                std::string_view value) const {
  return pg_bytea_text(cipher_.seal(value, associated_data(field, row)));
}

std::string SealedColumns::index(std::string_view purpose, std::string_view value) const {
  const auto digest = index_.digest(purpose, value);
  return pg_bytea_text({digest.data(), digest.size()});
}

std::string SealedColumns::seal_text(std::string_view field, std::string_view row,
                                     std::string_view value) const {
  return to_text(cipher_.seal(value, associated_data(field, row)));
}

std::string SealedColumns::index_text(std::string_view purpose, std::string_view value) const {
  const auto digest = index_.digest(purpose, value);
  return to_text({digest.data(), digest.size()});
}

boost::system::result<std::string, OpenError> SealedColumns::open_text(std::string_view text,
                                                                       std::string_view field,
                                                                       std::string_view row) const {
  auto sealed = from_text(text);
  if (!sealed) return OpenError::kMalformed;
  return cipher_.open(*sealed, associated_data(field, row));
}

boost::system::result<void, OpenError> SealedColumns::open_text_in_place(
    std::string& text, std::string_view field, std::string_view row) const {
  if (!from_text_in_place(text)) return OpenError::kMalformed;
  // The associated data in a buffer this thread reuses.
  thread_local std::string associated;
  associated.assign(field);
  associated.push_back('\0');
  associated.append(row);
  return cipher_.open_in_place(text, associated);
}

storage::PgResult<std::string> SealedColumns::read(const storage::PgRows& rows, std::size_t row,
                                                   std::string_view column, std::string_view field,
                                                   std::string_view row_identity) const {
  const std::string sealed_column = std::string{column} + "_sealed";
  if (rows.is_null(row, sealed_column)) return std::string{rows.text(row, column)};
  auto sealed = from_pg_bytea_text(rows.text(row, sealed_column));
  if (!sealed) return refused(field, OpenError::kMalformed);
  auto opened = cipher_.open(*sealed, associated_data(field, row_identity));
  if (!opened) return refused(field, opened.error());
  return std::move(*opened);
}

storage::PgResult<std::optional<std::string>> SealedColumns::read_optional(
    const storage::PgRows& rows, std::size_t row, std::string_view column, std::string_view field,
    std::string_view row_identity) const {
  const std::string sealed_column = std::string{column} + "_sealed";
  if (rows.is_null(row, sealed_column) && rows.is_null(row, column)) return std::nullopt;
  auto value = read(rows, row, column, field, row_identity);
  if (!value) return value.error();
  return std::optional<std::string>{std::move(*value)};
}

}  // namespace phonebill::crypto
