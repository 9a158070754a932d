// PgRows accessors over results built offline with libpq (no server), PgError text and
// pg_params conversions.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <cstring>
#include <stdexcept>

#include "storage/pg_result.hpp"

namespace phonebill::storage {
namespace {

// A result with columns (id, name, active, note) and the given rows; nullptr = NULL.
PgRows make_rows(const std::vector<std::vector<const char*>>& rows) {
  PGresult* result = PQmakeEmptyPGresult(nullptr, PGRES_TUPLES_OK);
  char id[] = "id", name[] = "name", active[] = "active", note[] = "note";
  PGresAttDesc columns[4] = {};
  char* names[4] = {id, name, active, note};
  for (int index = 0; index < 4; ++index) {
    columns[index].name = names[index];
    columns[index].format = 0;
  }
  PQsetResultAttrs(result, 4, columns);
  for (std::size_t row = 0; row < rows.size(); ++row) {
    for (std::size_t column = 0; column < rows[row].size(); ++column) {
      const char* value = rows[row][column];
      PQsetvalue(result, int(row), int(column), const_cast<char*>(value),
                 value ? int(std::strlen(value)) : -1);
    }
  }
  return PgRows{std::shared_ptr<const pg_result>(
      result, [](const pg_result* done) { PQclear(const_cast<PGresult*>(done)); })};
}

// Values read by index and by name, with NULL told apart from empty text.
TEST(PgRowsTest, ReadsValuesByIndexAndName) {
  auto rows = make_rows({{"7", "김민수", "t", nullptr}, {"-12", "", "f", "메모"}});
  ASSERT_EQ(rows.row_count(), 2u);
  EXPECT_EQ(rows.column_count(), 4u);
  EXPECT_EQ(rows.int64(0, "id"), 7);
  EXPECT_EQ(rows.int64(1, 0), -12);
  EXPECT_EQ(rows.text(0, "name"), "김민수");
  EXPECT_TRUE(rows.boolean(0, "active"));
  EXPECT_FALSE(rows.boolean(1, "active"));
  EXPECT_TRUE(rows.is_null(0, "note"));
  EXPECT_EQ(rows.optional_text(0, "note"), std::nullopt);
  EXPECT_FALSE(rows.is_null(1, "name"));
  EXPECT_EQ(rows.optional_text(1, "name"), "");
  EXPECT_EQ(rows.optional_text(1, "note"), "메모");
  EXPECT_EQ(rows.optional_int64(0, "note"), std::nullopt);
}

// Asking for a column the SQL does not return is a bug and throws.
TEST(PgRowsTest, MissingColumnThrows) {
  auto rows = make_rows({{"1", "a", "t", "x"}});
  EXPECT_EQ(rows.find_column("absent"), std::nullopt);
  EXPECT_EQ(rows.find_column("name"), 1u);
  EXPECT_THROW(rows.column("absent"), std::out_of_range);
  EXPECT_THROW((void)rows.text(0, "absent"), std::out_of_range);
}

// Cells outside the result throw instead of reading garbage.
TEST(PgRowsTest, OutOfRangeCellThrows) {
  auto rows = make_rows({{"1", "a", "t", "x"}});
  EXPECT_THROW((void)rows.text(1, 0), std::out_of_range);
  EXPECT_THROW((void)rows.text(0, 4), std::out_of_range);
}

// Converting text of the wrong shape (or NULL) to a number or bool throws.
TEST(PgRowsTest, WrongShapeConversionThrows) {
  auto rows = make_rows({{"12abc", "name", "yes", nullptr}});
  EXPECT_THROW((void)rows.int64(0, "id"), std::invalid_argument);
  EXPECT_THROW((void)rows.boolean(0, "active"), std::invalid_argument);
  EXPECT_THROW((void)rows.int64(0, "note"), std::invalid_argument);
  EXPECT_THROW((void)rows.boolean(0, "note"), std::invalid_argument);
}

// A default PgRows is an empty result.
TEST(PgRowsTest, DefaultIsEmpty) {
  PgRows rows;
  EXPECT_TRUE(rows.empty());
  EXPECT_EQ(rows.column_count(), 0u);
  EXPECT_EQ(rows.affected_rows(), 0u);
  EXPECT_EQ(rows.command_tag(), "");
  EXPECT_EQ(rows.find_column("id"), std::nullopt);
}

// pg_params turns mixed values into text parameters; nullopt and empty optionals are NULL.
TEST(PgParamsTest, ConvertsMixedValues) {
  const std::optional<int> absent;
  const std::optional<std::string> present = "p";
  const std::string owned = "owned";
  auto params = pg_params("literal", owned, std::string_view{"view"}, 42, std::int64_t{-5}, true,
                          false, std::nullopt, absent, present);
  ASSERT_EQ(params.size(), 10u);
  EXPECT_EQ(params[0], "literal");
  EXPECT_EQ(params[1], "owned");
  EXPECT_EQ(params[2], "view");
  EXPECT_EQ(params[3], "42");
  EXPECT_EQ(params[4], "-5");
  EXPECT_EQ(params[5], "true");
  EXPECT_EQ(params[6], "false");
  EXPECT_EQ(params[7], std::nullopt);
  EXPECT_EQ(params[8], std::nullopt);
  EXPECT_EQ(params[9], "p");
}

// describe() gives kind, SQLSTATE, constraint and message on one line.
TEST(PgErrorTest, DescribeNamesEverything) {
  PgError error{.kind = PgErrorKind::kQuery,
                .sqlstate = "23505",
                .constraint = "users_pkey",
                .message = "duplicate key value"};
  EXPECT_TRUE(error.is_unique_violation());
  EXPECT_EQ(describe(error), "query 23505 (users_pkey): duplicate key value");
  EXPECT_EQ(describe(PgError{.kind = PgErrorKind::kTimeout, .message = "late"}), "timeout: late");
}

// value() on an error throws (tests only), with the description as its message.
TEST(PgErrorTest, ValueOnErrorThrows) {
  PgResult<int> failed = PgError{.kind = PgErrorKind::kConnection, .message = "refused"};
  EXPECT_THROW((void)failed.value(), std::runtime_error);
}

}  // namespace
}  // namespace phonebill::storage
