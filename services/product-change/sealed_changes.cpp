// SealedChanges: a change record's sealed columns and blind index (sealed_changes.hpp).
#include "sealed_changes.hpp"

#include "core/log.hpp"
#include "security/encoding.hpp"

namespace phonebill::product {
namespace {

// What follows the line in `line|current|target` (from the first '|' on).
std::string_view after_line(std::string_view fingerprint) {
  auto bar = fingerprint.find('|');
  return bar == std::string_view::npos ? std::string_view{} : fingerprint.substr(bar);
}

}  // namespace

SealedChanges::SealedChanges(const crypto::KeyRing& ring) : columns_(ring), index_(ring) {}

std::string SealedChanges::seal(std::string_view field, std::string_view request_id,
                                std::string_view value) const {
  return columns_.seal(field, request_id, value);
}

std::string SealedChanges::line_index_bytes(std::string_view line_number) const {
  return index_.compute(kLineNumberField, line_number);
}

std::string SealedChanges::line_index(std::string_view line_number) const {
  return columns_.index(kLineNumberField, line_number);
}

std::string SealedChanges::stored_fingerprint(std::string_view fingerprint,
                                              std::string_view line_number) const {
  return security::to_hex(line_index_bytes(line_number)) + std::string{after_line(fingerprint)};
}

std::string SealedChanges::domain_fingerprint(std::string_view stored,
                                              std::string_view line_number) const {
  const auto index = security::to_hex(line_index_bytes(line_number));
  if (stored.substr(0, index.size()) == index && stored.size() > index.size() &&
      stored[index.size()] == '|')
    return std::string{line_number} + std::string{stored.substr(index.size())};
  return std::string{stored};
}

std::optional<std::string> SealedChanges::open(std::string_view bytea_text, std::string_view field,
                                               std::string_view request_id) const {
  auto sealed = crypto::from_pg_bytea_text(bytea_text);
  auto opened =
      sealed ? columns_.cipher().open(*sealed, crypto::associated_data(field, request_id))
             : boost::system::result<std::string, crypto::OpenError>{crypto::OpenError::kMalformed};
  if (opened) return std::move(*opened);
  log::error("sealed_value_refused",
             {{"field", field}, {"reason", crypto::to_string(opened.error())}});
  return std::nullopt;
}

std::optional<std::string> SealedChanges::read_line(const storage::PgRows& rows, std::size_t row,
                                                    std::string_view request_id) const {
  if (rows.is_null(row, "line_number_sealed")) return rows.optional_text(row, "line_number");
  return open(rows.text(row, "line_number_sealed"), kLineNumberField, request_id);
}

std::optional<std::string> SealedChanges::read_message(const storage::PgRows& rows, std::size_t row,
                                                       std::string_view request_id,
                                                       bool& refused) const {
  if (rows.is_null(row, "result_message_sealed")) return rows.optional_text(row, "result_message");
  auto opened = open(rows.text(row, "result_message_sealed"), kResultMessageField, request_id);
  if (!opened) refused = true;
  return opened;
}

}  // namespace phonebill::product
