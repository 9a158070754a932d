// PgRows accessors over libpq's PGresult and the PgError helpers (see pg_result.hpp).
#include "storage/pg_result.hpp"

#include <libpq-fe.h>

#include <boost/throw_exception.hpp>

#include <charconv>
#include <stdexcept>

namespace phonebill::storage {

std::string_view to_string(PgErrorKind kind) {
  switch (kind) {
    case PgErrorKind::kTimeout:
      return "timeout";
    case PgErrorKind::kConnection:
      return "connection";
    case PgErrorKind::kQuery:
      return "query";
    case PgErrorKind::kCancelled:
      return "cancelled";
    case PgErrorKind::kUsage:
      return "usage";
    case PgErrorKind::kMigration:
      return "migration";
  }
  return "unknown";
}

std::string describe(const PgError& error) {
  std::string text{to_string(error.kind)};
  if (!error.sqlstate.empty()) text += " " + error.sqlstate;
  if (!error.constraint.empty()) text += " (" + error.constraint + ")";
  text += ": " + error.message;
  return text;
}

PgError local_error(PgErrorKind kind, std::string message) {
  return PgError{.kind = kind, .sqlstate = {}, .constraint = {}, .message = std::move(message)};
}

void throw_exception_from_error(const PgError& error, const boost::source_location& location) {
  boost::throw_exception(std::runtime_error(describe(error)), location);
}

std::size_t PgRows::row_count() const {
  return result_ ? static_cast<std::size_t>(PQntuples(result_.get())) : 0;
}

std::size_t PgRows::column_count() const {
  return result_ ? static_cast<std::size_t>(PQnfields(result_.get())) : 0;
}

std::optional<std::size_t> PgRows::find_column(std::string_view name) const {
  if (!result_) return std::nullopt;
  // PQfnumber folds unquoted names to lower case, as SQL does; quote to match exactly.
  const int index = PQfnumber(result_.get(), std::string{name}.c_str());
  if (index < 0) return std::nullopt;
  return static_cast<std::size_t>(index);
}

std::size_t PgRows::column(std::string_view name) const {
  auto index = find_column(name);
  if (!index) throw std::out_of_range("result has no column " + std::string{name});
  return *index;
}

void PgRows::check_cell(std::size_t row, std::size_t column) const {
  if (row >= row_count() || column >= column_count()) {
    throw std::out_of_range("result cell (" + std::to_string(row) + ", " + std::to_string(column) +
                            ") is out of range");
  }
}

bool PgRows::is_null(std::size_t row, std::size_t column) const {
  check_cell(row, column);
  return PQgetisnull(result_.get(), int(row), int(column)) == 1;
}

std::string_view PgRows::text(std::size_t row, std::size_t column) const {
  check_cell(row, column);
  const char* value = PQgetvalue(result_.get(), int(row), int(column));
  const int length = PQgetlength(result_.get(), int(row), int(column));
  return {value, static_cast<std::size_t>(length)};
}

std::optional<std::string> PgRows::optional_text(std::size_t row, std::size_t column) const {
  if (is_null(row, column)) return std::nullopt;
  return std::string{text(row, column)};
}

std::int64_t PgRows::int64(std::size_t row, std::size_t column) const {
  auto value = optional_int64(row, column);
  if (!value) throw std::invalid_argument("NULL where an integer was expected");
  return *value;
}

std::optional<std::int64_t> PgRows::optional_int64(std::size_t row, std::size_t column) const {
  if (is_null(row, column)) return std::nullopt;
  const std::string_view digits = text(row, column);
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error != std::errc{} || end != digits.data() + digits.size()) {
    throw std::invalid_argument("not an integer: " + std::string{digits});
  }
  return value;
}

bool PgRows::boolean(std::size_t row, std::size_t column) const {
  if (is_null(row, column)) throw std::invalid_argument("NULL where a boolean was expected");
  const std::string_view value = text(row, column);
  if (value == "t") return true;
  if (value == "f") return false;
  throw std::invalid_argument("not a boolean: " + std::string{value});
}

std::uint64_t PgRows::affected_rows() const {
  if (!result_) return 0;
  // PQcmdTuples takes a non-const pointer for historical reasons; it does not modify.
  const std::string_view digits = PQcmdTuples(const_cast<PGresult*>(result_.get()));
  std::uint64_t count = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), count);
  return count;
}

std::string_view PgRows::command_tag() const {
  if (!result_) return {};
  return PQcmdStatus(const_cast<PGresult*>(result_.get()));
}

}  // namespace phonebill::storage
