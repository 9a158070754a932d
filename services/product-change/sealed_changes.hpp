// product-change's personal data at rest (SPEC §14, docs/security.md "Data protection"):
// which columns of a change record are sealed (its line number, KOS's result message),
// the associated data that binds each value to its row (the request id), the blind index
// of the line (guard and by-line look-ups), and the fingerprint's stored form, whose line
// part is that index in hex. Stores seal on every write and read either form: the sealed
// column when set, else the clear one (a row the re-encryption pass has not reached since
// db/product/006). Entry points: SealedChanges::seal, line_index, stored_fingerprint,
// read_line, read_message, domain_fingerprint. Built on crypto::SealedColumns.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "crypto/blind_index.hpp"
#include "crypto/sealed_columns.hpp"
#include "storage/pg_result.hpp"

namespace phonebill::product {

// Field names: the first part of each value's associated data (table.column); the row
// part is the change's request id.
inline constexpr std::string_view kLineNumberField = "product.product_changes.line_number";
inline constexpr std::string_view kResultMessageField = "product.product_changes.result_message";

class SealedChanges {
 public:
  // Keeps a reference: the ring must outlive this object.
  explicit SealedChanges(const crypto::KeyRing& ring);

  // `value` sealed for `field` of the change `request_id`, as a bytea parameter.
  std::string seal(std::string_view field, std::string_view request_id,
                   std::string_view value) const;
  // The blind index of a canonical line number: raw bytes, and as a bytea parameter.
  std::string line_index_bytes(std::string_view line_number) const;
  std::string line_index(std::string_view line_number) const;
  // The fingerprint as stored: `line|current|target` with the line replaced by its index
  // in hex (equal requests still give equal texts; the column shows no line).
  std::string stored_fingerprint(std::string_view fingerprint, std::string_view line_number) const;
  // The domain's fingerprint back from the stored one and the row's line (a row from
  // before 006 already holds the domain's form).
  std::string domain_fingerprint(std::string_view stored, std::string_view line_number) const;

  // The row's line: line_number_sealed opened, else the clear line_number. A value that
  // does not open is nullopt (logged as sealed_value_refused with the field, never the
  // value): a wrong or lost key the start-up check did not catch, never shown as data.
  std::optional<std::string> read_line(const storage::PgRows& rows, std::size_t row,
                                       std::string_view request_id) const;
  // KOS's message: result_message_sealed opened, else the clear result_message (either may
  // be absent). `refused` is set when a sealed value does not open.
  std::optional<std::string> read_message(const storage::PgRows& rows, std::size_t row,
                                          std::string_view request_id, bool& refused) const;

  const crypto::FieldCipher& cipher() const { return columns_.cipher(); }
  // The shared sealing helper these columns use (crypto/sealed_columns.hpp).
  const crypto::SealedColumns& columns() const { return columns_; }

 private:
  std::optional<std::string> open(std::string_view bytea_text, std::string_view field,
                                  std::string_view request_id) const;

  crypto::SealedColumns columns_;
  crypto::BlindIndex index_;  // raw index bytes, for the fingerprint's hex
};

}  // namespace phonebill::product
