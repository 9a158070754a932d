// What a PostgreSQL call gives back: PgRows (a read-only view of one libpq result) or a
// PgError value (STYLE §5: errors are values). Entry points: PgResult<T>, PgRows,
// PgError (kind + SQLSTATE), Deadline, PgParams and PgBinaryParams shared by the whole
// storage library.
// No libpq or Asio header is needed to use these types.
#pragma once
#include <boost/system/result.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/deadline.hpp"

struct pg_result;  // libpq's PGresult

namespace phonebill::storage {

// Statement parameters in text format; std::nullopt is SQL NULL.
using PgParams = std::vector<std::optional<std::string>>;

// Statement parameters all in PostgreSQL's binary format, none NULL: each value the bytes
// its type's receive function reads (arrays: storage/pg_binary_array.hpp). Results still
// come back as text.
struct PgBinaryParams {
  std::vector<std::string> values;
};

// One parameter in PostgreSQL's text format: strings as they are, integers in decimal,
// bools as true/false, std::nullopt (or an empty optional) as NULL.
inline std::optional<std::string> to_param(std::string_view text) { return std::string{text}; }
inline std::optional<std::string> to_param(const char* text) { return std::string{text}; }
inline std::optional<std::string> to_param(std::nullopt_t) { return std::nullopt; }
inline std::optional<std::string> to_param(bool value) { return value ? "true" : "false"; }
template <typename Integer>
requires(std::is_integral_v<Integer> &&
         !std::is_same_v<Integer, bool>) std::optional<std::string> to_param(Integer value) {
  return std::to_string(value);
}
template <typename Value>
std::optional<std::string> to_param(const std::optional<Value>& value) {
  if (!value) return std::nullopt;
  return to_param(*value);
}

// PgParams from mixed values: `co_await pool.execute("x", pg_params(id, name, std::nullopt), d)`.
// Use it instead of a braced list inside a co_await expression. g++ 12 mishandles
// braced temporaries that share a full-expression with co_await: `co_await f({a, b})`
// fails to compile ("array used as initializer"), and an aggregate such as
// `PgPool pool{co_await this_coro::executor, {.dsn = d}}` is destroyed twice (ASan
// heap-use-after-free). Values returned by functions, and braces in statements without
// co_await, are fine.
template <typename... Values>
PgParams pg_params(const Values&... values) {
  PgParams params;
  params.reserve(sizeof...(values));
  (params.push_back(to_param(values)), ...);
  return params;
}

// SQLSTATE codes callers branch on.
inline constexpr std::string_view kUniqueViolation = "23505";
inline constexpr std::string_view kForeignKeyViolation = "23503";
inline constexpr std::string_view kSerializationFailure = "40001";

enum class PgErrorKind {
  kTimeout,     // the deadline passed; the connection was marked broken
  kConnection,  // could not connect, or the connection broke mid-call
  kQuery,       // the server rejected the statement: see sqlstate
  kCancelled,   // the awaiting coroutine was cancelled; the connection was marked broken
  kUsage,       // a caller bug: unknown statement name, unsupported result (COPY)
  kMigration,   // a migration file is misnamed, unreadable or was edited after being applied
};

std::string_view to_string(PgErrorKind kind);

struct PgError {
  PgErrorKind kind = PgErrorKind::kQuery;
  std::string sqlstate;    // five characters for server errors, else empty
  std::string constraint;  // constraint named by the server (unique/foreign key), else empty
  std::string message;     // for logs only: never shown to users

  bool is_unique_violation() const { return sqlstate == kUniqueViolation; }
  bool is_timeout() const { return kind == PgErrorKind::kTimeout; }
};

// "query 23505: duplicate key value ..." — one line for logs and test failures.
std::string describe(const PgError& error);

// An error of our own making (connection, timeout, pool exhausted): no SQLSTATE, no
// constraint, only the kind and a message for logs.
PgError local_error(PgErrorKind kind, std::string message);

// Lets boost::system::result<T, PgError>::value() throw (only tests should call value()).
[[noreturn]] void throw_exception_from_error(const PgError& error,
                                             const boost::source_location& location);

template <typename T>
using PgResult = boost::system::result<T, PgError>;

// The rows (or command status) of one statement. Cheap to copy: copies share the
// immutable libpq result. Row/column arguments out of range, reading a missing column
// by name, or converting a value of the wrong shape are bugs in our SQL and throw
// std::out_of_range / std::invalid_argument.
class PgRows {
 public:
  PgRows() = default;  // no rows, no columns
  explicit PgRows(std::shared_ptr<const pg_result> result) : result_(std::move(result)) {}

  std::size_t row_count() const;     // PQntuples
  std::size_t column_count() const;  // PQnfields
  bool empty() const { return row_count() == 0; }

  // PQfnumber: the index of the column called `name`, nullopt if there is none.
  std::optional<std::size_t> find_column(std::string_view name) const;
  // As find_column, but a missing column throws std::out_of_range.
  std::size_t column(std::string_view name) const;

  bool is_null(std::size_t row, std::size_t column) const;  // PQgetisnull
  // PQgetvalue: the value as text ("" for NULL); valid while this PgRows lives.
  std::string_view text(std::size_t row, std::size_t column) const;
  std::optional<std::string> optional_text(std::size_t row, std::size_t column) const;
  // Integer columns (smallint, integer, bigint). NULL or non-integer text throws.
  std::int64_t int64(std::size_t row, std::size_t column) const;
  std::optional<std::int64_t> optional_int64(std::size_t row, std::size_t column) const;
  // Boolean columns ("t"/"f"). NULL or anything else throws.
  bool boolean(std::size_t row, std::size_t column) const;

  // By-name forms of the accessors above.
  bool is_null(std::size_t row, std::string_view name) const { return is_null(row, column(name)); }
  std::string_view text(std::size_t row, std::string_view name) const {
    return text(row, column(name));
  }
  std::optional<std::string> optional_text(std::size_t row, std::string_view name) const {
    return optional_text(row, column(name));
  }
  std::int64_t int64(std::size_t row, std::string_view name) const {
    return int64(row, column(name));
  }
  std::optional<std::int64_t> optional_int64(std::size_t row, std::string_view name) const {
    return optional_int64(row, column(name));
  }
  bool boolean(std::size_t row, std::string_view name) const { return boolean(row, column(name)); }

  // PQcmdTuples: rows inserted/updated/deleted/selected; 0 when the command reports none.
  std::uint64_t affected_rows() const;
  // PQcmdStatus: the command tag, e.g. "INSERT 0 1".
  std::string_view command_tag() const;

 private:
  void check_cell(std::size_t row, std::size_t column) const;

  std::shared_ptr<const pg_result> result_;
};

}  // namespace phonebill::storage
