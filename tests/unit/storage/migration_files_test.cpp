// The pure half of migrations: file names, ordering, checksums and directory loading.
#include <gtest/gtest.h>

#include <fstream>

#include "storage/migrations.hpp"
#include "support/test_environment.hpp"

namespace phonebill::storage {
namespace {

void write(const std::filesystem::path& path, const std::string& text) {
  std::ofstream{path, std::ios::binary} << text;
}

// NNN_name.sql gives its number and name; leading zeros are just padding.
TEST(MigrationFileNameTest, WellFormedNameParses) {
  auto parsed = parse_migration_file_name("001_schema.sql");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->version, 1);
  EXPECT_EQ(parsed->name, "schema");
  auto longer = parse_migration_file_name("0042_add-user_index.sql");
  ASSERT_TRUE(longer);
  EXPECT_EQ(longer->version, 42);
  EXPECT_EQ(longer->name, "add-user_index");
}

// Anything else is not a migration file name.
TEST(MigrationFileNameTest, MalformedNamesAreRejected) {
  for (const char* name : {"schema.sql", "_schema.sql", "001_.sql", "001schema.sql",
                           "001_schema.SQL", "001_schema.sql.bak", "x01_schema.sql",
                           "001_sch ema.sql", "99999999999_big.sql", "-01_negative.sql"}) {
    EXPECT_FALSE(parse_migration_file_name(name)) << name;
  }
}

// The checksum is SHA-256 in lower-case hex and changes with any edit.
TEST(MigrationChecksumTest, IsSha256Hex) {
  EXPECT_EQ(migration_checksum(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(migration_checksum("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_NE(migration_checksum("CREATE TABLE a (id int);"),
            migration_checksum("CREATE TABLE a (id int); "));
}

// Loading sorts by number (2 before 10), reads bodies, and skips non-.sql files.
TEST(LoadMigrationFilesTest, SortsByVersionAndIgnoresOtherFiles) {
  const auto directory = test_support::make_temp_directory("unit-migrations");
  write(directory / "010_late.sql", "SELECT 10;");
  write(directory / "002_early.sql", "SELECT 2;");
  write(directory / "README.md", "notes");
  std::filesystem::create_directory(directory / "003_directory.sql");
  auto files = load_migration_files(directory);
  ASSERT_TRUE(files) << describe(files.error());
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ((*files)[0].version, 2);
  EXPECT_EQ((*files)[0].file_name, "002_early.sql");
  EXPECT_EQ((*files)[0].sql, "SELECT 2;");
  EXPECT_EQ((*files)[0].checksum, migration_checksum("SELECT 2;"));
  EXPECT_EQ((*files)[1].version, 10);
  EXPECT_EQ((*files)[1].name, "late");
}

// Two files with one number are ambiguous: refused, naming both.
TEST(LoadMigrationFilesTest, DuplicateVersionIsRefused) {
  const auto directory = test_support::make_temp_directory("unit-migrations");
  write(directory / "001_a.sql", "SELECT 1;");
  write(directory / "01_b.sql", "SELECT 1;");
  auto files = load_migration_files(directory);
  ASSERT_FALSE(files);
  EXPECT_EQ(files.error().kind, PgErrorKind::kMigration);
  EXPECT_NE(files.error().message.find("001_a.sql"), std::string::npos);
  EXPECT_NE(files.error().message.find("01_b.sql"), std::string::npos);
}

// A .sql file that is not named NNN_name.sql is a mistake, not something to skip.
TEST(LoadMigrationFilesTest, MisnamedSqlFileIsRefused) {
  const auto directory = test_support::make_temp_directory("unit-migrations");
  write(directory / "schema.sql", "SELECT 1;");
  auto files = load_migration_files(directory);
  ASSERT_FALSE(files);
  EXPECT_NE(files.error().message.find("schema.sql"), std::string::npos);
}

// An empty directory is valid: nothing to apply.
TEST(LoadMigrationFilesTest, EmptyDirectoryHasNoFiles) {
  const auto directory = test_support::make_temp_directory("unit-migrations");
  auto files = load_migration_files(directory);
  ASSERT_TRUE(files);
  EXPECT_TRUE(files->empty());
}

// A missing directory is an error.
TEST(LoadMigrationFilesTest, MissingDirectoryIsRefused) {
  auto files = load_migration_files("/nonexistent/phonebill/migrations");
  ASSERT_FALSE(files);
  EXPECT_EQ(files.error().kind, PgErrorKind::kMigration);
}

}  // namespace
}  // namespace phonebill::storage
