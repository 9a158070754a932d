// What the partitioned-history integration tests share (issue 20): one-line SQL helpers
// on a PgPool, the generic plan of a service statement as EXPLAIN ANALYZE prints it, the
// number of monthly partitions such a plan really read, and reading an archive file.
#pragma once
#include <gtest/gtest.h>

#include <boost/asio/awaitable.hpp>

#include <filesystem>
#include <string>
#include <string_view>

#include "storage/pg_pool.hpp"
#include "support/test_environment.hpp"

namespace phonebill::storage::testing {

// A fresh database per test and a private copy of the migrations to apply to it.
class HistoryPartitionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dsn_ = test_support::create_database("history_partitions");
    directory_ = test_support::make_temp_directory("history_migrations");
  }

  // Copies db/<service>/<file_name> into the directory the test migrates from, so a
  // test can stop between two files and write rows the next one must carry over.
  void add_migration(const std::string& service, const std::string& file_name) {
    namespace fs = std::filesystem;
    fs::copy_file(fs::path{test_support::source_directory()} / "db" / service / file_name,
                  directory_ / file_name, fs::copy_options::overwrite_existing);
  }
  void add_all_migrations(const std::string& service) {
    namespace fs = std::filesystem;
    for (const auto& entry :
         fs::directory_iterator{fs::path{test_support::source_directory()} / "db" / service})
      add_migration(service, entry.path().filename().string());
  }

  PgPoolOptions options() const { return PgPoolOptions{.dsn = dsn_, .max_connections = 2}; }

  std::string dsn_;
  std::filesystem::path directory_;
};

// The first column of the first row of `sql` as text ("" when there is no row or NULL).
boost::asio::awaitable<std::string> scalar(PgPool& pool, const std::string& sql);

// Runs `sql` (any number of statements); a failure is a test failure.
boost::asio::awaitable<void> run(PgPool& pool, const std::string& sql);

// The plan of `statement` (prepared with `types`, run with `arguments`) as a generic
// plan, the way the service's prepared statements run after their fifth execution.
boost::asio::awaitable<std::string> generic_plan(PgPool& pool, std::string_view statement,
                                                 const std::string& types,
                                                 const std::string& arguments);

// How many monthly partitions (or the default one) of `table` a plan actually scanned:
// scan nodes on a partition, less those the executor pruned ("never executed").
int partitions_read(const std::string& plan, const std::string& table);

std::string read_gzip(const std::filesystem::path& file);
std::string read_file(const std::filesystem::path& file);

}  // namespace phonebill::storage::testing
