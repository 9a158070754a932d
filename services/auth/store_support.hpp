// Small pieces auth's stores share: times as epoch milliseconds for the SQL of
// queries.hpp, permission lists in PostgreSQL array text, and row readers.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/epoch_milliseconds.hpp"
#include "storage/pg_result.hpp"

namespace phonebill::auth {

using phonebill::Deadline;
using storage::PgResult;

// The core conversions (core/epoch_milliseconds.hpp) under the names auth's stores use.
inline std::int64_t to_epoch_ms(SystemTime time) { return epoch_milliseconds(time); }

inline std::optional<std::int64_t> to_epoch_ms(const std::optional<SystemTime>& time) {
  if (!time) return std::nullopt;
  return to_epoch_ms(*time);
}

inline SystemTime from_epoch_ms(std::int64_t milliseconds) {
  return from_epoch_milliseconds(milliseconds);
}

inline std::optional<SystemTime> optional_time(const storage::PgRows& rows, std::size_t row,
                                               std::string_view column) {
  auto value = rows.optional_int64(row, column);
  if (!value) return std::nullopt;
  return from_epoch_ms(*value);
}

// '{BILL_INQUIRY,ADMIN}' for a text[] parameter (names are plain identifiers).
std::string to_array_literal(const std::vector<std::string>& names);
// "BILL_INQUIRY,ADMIN" (array_to_string) back to a list.
std::vector<std::string> split_permissions(std::string_view text);

}  // namespace phonebill::auth
