// Sealed values in a service's PostgreSQL rows and text stores (SPEC §14, docs/security.md
// "Data protection"), service-neutral: seal a value for a field of a row (bytea parameter
// or base64url text), the blind index of a value, and reading a column that holds its
// value sealed (`<column>_sealed`) or, for a row from before the upgrade, clear
// (`<column>`). A value that does not open is an error naming the field, never data.
// Entry points: SealedColumns::seal, index, read, read_optional, seal_text, open_text.
#pragma once
#include <boost/system/result.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "crypto/blind_index.hpp"
#include "crypto/field_cipher.hpp"
#include "storage/pg_result.hpp"

namespace phonebill::crypto {

class SealedColumns {
 public:
  // Keeps a reference: the ring must outlive this object.
  explicit SealedColumns(const KeyRing& ring);

  // `value` sealed for `field` ("bill.bill_inquiries.bill") of `row` (the row's identity),
  // as a bytea parameter ("\x..." text).
  std::string seal(std::string_view field, std::string_view row, std::string_view value) const;
  // The blind index of `value` (normalised first) under `purpose`, as a bytea parameter.
  std::string index(std::string_view purpose, std::string_view value) const;
  // The raw 32 bytes of the blind index of the parts one after another (BlindIndex::
  // compute_parts).
  std::string index_bytes(std::string_view purpose,
                          std::initializer_list<std::string_view> parts) const {
    return index_.compute_parts(purpose, parts);
  }
  // The raw 32 bytes of the blind index of `value`, in an array (no allocation; a line
  // indexed lately is not hashed again: BlindIndexMemo).
  BlindIndexDigest index_digest(std::string_view purpose, std::string_view value) const {
    return index_.digest(purpose, value);
  }
  // The same two as base64url text (JSON documents, Redis values and keys).
  std::string seal_text(std::string_view field, std::string_view row, std::string_view value) const;
  std::string index_text(std::string_view purpose, std::string_view value) const;
  // A seal_text value opened; any failure (not base64url, not format 1, unknown key,
  // refused tag) is the OpenError, never bytes.
  boost::system::result<std::string, OpenError> open_text(std::string_view text,
                                                          std::string_view field,
                                                          std::string_view row) const;
  // open_text where `text` lies: on success `text` holds the value (a cache hit opens its
  // value without a second or third copy of it).
  boost::system::result<void, OpenError> open_text_in_place(std::string& text,
                                                            std::string_view field,
                                                            std::string_view row) const;

  // Column `column` of `rows[row]`: `<column>_sealed` opened when it is not NULL, else
  // the clear `<column>`. A value that does not open is logged (sealed_value_refused, no
  // value) and returned as an error naming the field.
  storage::PgResult<std::string> read(const storage::PgRows& rows, std::size_t row,
                                      std::string_view column, std::string_view field,
                                      std::string_view row_identity) const;
  // The same for a nullable value: nullopt when both forms are NULL.
  storage::PgResult<std::optional<std::string>> read_optional(const storage::PgRows& rows,
                                                              std::size_t row,
                                                              std::string_view column,
                                                              std::string_view field,
                                                              std::string_view row_identity) const;

  const FieldCipher& cipher() const { return cipher_; }
  const KeyRing& ring() const { return cipher_.ring(); }
  const BlindIndex& blind_index() const { return index_; }

 private:
  FieldCipher cipher_;
  BlindIndex index_;
};

}  // namespace phonebill::crypto
