// run_migrations against a real PostgreSQL: files apply once and in order, concurrent
// starters do not double-apply, edited history is refused, a failing file leaves nothing.
// Each test migrates its own fresh database.
#include <fstream>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "storage/migrations.hpp"
#include "storage_test_support.hpp"

namespace phonebill::storage::testing {
namespace {

namespace net = boost::asio;

class MigrationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dsn_ = test_support::create_database("storage_migrations");
    directory_ = test_support::make_temp_directory("migrations");
  }

  void write(const std::string& file_name, const std::string& sql) {
    std::ofstream{directory_ / file_name, std::ios::binary | std::ios::trunc} << sql;
  }

  PgPoolOptions options() const { return PgPoolOptions{.dsn = dsn_, .max_connections = 2}; }

  std::string dsn_;
  std::filesystem::path directory_;
};

// Counts the rows of schema_migrations.
net::awaitable<std::int64_t> recorded_versions(PgPool& pool) {
  auto rows =
      co_await pool.query("SELECT count(*) AS n FROM schema_migrations", {}, test_deadline());
  co_return rows ? rows->int64(0, "n") : -1;
}

// Files apply in numeric order (10 after 2), multi-statement files included; a second
// run finds nothing to do.
CO_TEST_F(MigrationsTest, AppliesFilesOnceInVersionOrder) {
  write("010_add_column.sql", "ALTER TABLE items ADD COLUMN note text;");
  write("001_schema.sql",
        "CREATE TABLE items (id bigint PRIMARY KEY, label text NOT NULL);\n"
        "CREATE INDEX items_label ON items (label);\n");
  write("002_seed.sql", "INSERT INTO items VALUES (1, '기본 요금제'), (2, 'LTE 무제한');");
  write("README.md", "not a migration");
  PgPool pool{co_await net::this_coro::executor, options()};

  auto first = co_await run_migrations(pool, directory_, test_deadline());
  CO_ASSERT_PG_OK(first);
  EXPECT_EQ(first->applied_versions, (std::vector<int>{1, 2, 10}));
  EXPECT_EQ(first->skipped, 0u);

  auto second = co_await run_migrations(pool, directory_, test_deadline());
  CO_ASSERT_PG_OK(second);
  EXPECT_TRUE(second->applied_versions.empty());
  EXPECT_EQ(second->skipped, 3u);

  auto rows =
      co_await pool.query("SELECT version, name, checksum FROM schema_migrations ORDER BY version",
                          {}, test_deadline());
  CO_ASSERT_PG_OK(rows);
  CO_ASSERT_EQ(rows->row_count(), 3u);
  EXPECT_EQ(rows->text(1, "name"), "seed");
  EXPECT_EQ(rows->text(1, "checksum"),
            migration_checksum("INSERT INTO items VALUES (1, '기본 요금제'), (2, 'LTE 무제한');"));
  auto items =
      co_await pool.query("SELECT label, note FROM items WHERE id = 1", {}, test_deadline());
  CO_ASSERT_PG_OK(items);
  EXPECT_EQ(items->text(0, "label"), "기본 요금제");
  EXPECT_TRUE(items->is_null(0, "note"));
}

// Two instances starting together (separate pools): each file is applied exactly once.
CO_TEST_F(MigrationsTest, ConcurrentRunnersApplyEachFileOnce) {
  using namespace net::experimental::awaitable_operators;
  write("001_schema.sql", "CREATE TABLE runs (id int); SELECT pg_sleep(0.3);");
  write("002_more.sql", "CREATE TABLE more_runs (id int);");
  auto executor = co_await net::this_coro::executor;
  PgPool first_pool{executor, options()};
  PgPool second_pool{executor, options()};

  auto [first, second] = co_await (run_migrations(first_pool, directory_, test_deadline()) &&
                                   run_migrations(second_pool, directory_, test_deadline()));
  CO_ASSERT_PG_OK(first);
  CO_ASSERT_PG_OK(second);
  EXPECT_EQ(first->applied_versions.size() + second->applied_versions.size(), 2u);
  EXPECT_EQ(first->skipped + second->skipped, 2u);
  EXPECT_EQ(co_await recorded_versions(first_pool), 2);
}

// Editing a file after it was applied stops start-up, before anything new is applied.
CO_TEST_F(MigrationsTest, EditedAppliedFileIsRefused) {
  write("001_schema.sql", "CREATE TABLE edited (id int);");
  PgPool pool{co_await net::this_coro::executor, options()};
  CO_ASSERT_PG_OK(co_await run_migrations(pool, directory_, test_deadline()));

  write("001_schema.sql", "CREATE TABLE edited (id int, sneaky text);");
  write("002_next.sql", "CREATE TABLE next_table (id int);");
  auto refused = co_await run_migrations(pool, directory_, test_deadline());
  CO_ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, PgErrorKind::kMigration);
  EXPECT_NE(refused.error().message.find("001_schema.sql"), std::string::npos);
  EXPECT_EQ(co_await recorded_versions(pool), 1);
}

// A file that fails halfway is rolled back entirely and not recorded; once fixed, it
// applies on the next start.
CO_TEST_F(MigrationsTest, FailingFileLeavesNoTrace) {
  write("001_schema.sql", "CREATE TABLE kept (id int);");
  write("002_broken.sql",
        "CREATE TABLE half_done (id int);\nINSERT INTO no_such_table VALUES (1);");
  PgPool pool{co_await net::this_coro::executor, options()};

  auto failed = co_await run_migrations(pool, directory_, test_deadline());
  CO_ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().kind, PgErrorKind::kQuery);
  EXPECT_EQ(failed.error().sqlstate, "42P01");
  EXPECT_NE(failed.error().message.find("002_broken.sql"), std::string::npos);
  EXPECT_EQ(co_await recorded_versions(pool), 1);
  auto half =
      co_await pool.query("SELECT to_regclass('half_done') IS NULL AS absent", {}, test_deadline());
  CO_ASSERT_PG_OK(half);
  EXPECT_TRUE(half->boolean(0, "absent"));

  write("002_broken.sql", "CREATE TABLE half_done (id int);");
  auto fixed = co_await run_migrations(pool, directory_, test_deadline());
  CO_ASSERT_PG_OK(fixed);
  EXPECT_EQ(fixed->applied_versions, (std::vector<int>{2}));
}

// The advisory lock is released after a run, even a failed one: the next run proceeds.
CO_TEST_F(MigrationsTest, LockIsReleasedAfterFailure) {
  write("001_broken.sql", "SELECT * FROM nowhere;");
  PgPool pool{co_await net::this_coro::executor, options()};
  auto failed = co_await run_migrations(pool, directory_, test_deadline());
  CO_ASSERT_FALSE(failed);
  // pg_locks is cluster-wide: count only this test's database (suites running in
  // parallel migrate their own databases under the same kind of lock).
  auto locks = co_await pool.query(
      "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND database = "
      "(SELECT oid FROM pg_database WHERE datname = current_database())",
      {}, test_deadline());
  CO_ASSERT_PG_OK(locks);
  EXPECT_EQ(locks->int64(0, "n"), 0);
}

// Started during a failover, a service reaches a server that takes no writes (here: the
// database made read-only, as a standby is). It does not migrate there and does not give
// up: once the database takes writes again (the promotion), the files are applied.
CO_TEST_F(MigrationsTest, StartWaitsForAWritablePrimary) {
  write("001_schema.sql", "CREATE TABLE after_failover (id int);");
  auto executor = co_await net::this_coro::executor;
  PgPool admin{executor, {.dsn = dsn_, .max_connections = 1}};
  // New sessions of this database only (tests in parallel use their own databases).
  CO_ASSERT_PG_OK(co_await admin.query(
      "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET default_transaction_read_only = on', "
      "current_database()); END $$",
      {}, test_deadline()));
  PgPool pool{executor, options()};

  auto promote = [&]() -> net::awaitable<void> {
    net::steady_timer timer{executor, std::chrono::milliseconds{1500}};
    co_await timer.async_wait(net::use_awaitable);
    // The admin session predates the setting, so it may still write.
    auto reset = co_await admin.query(
        "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I RESET default_transaction_read_only', "
        "current_database()); END $$",
        {}, test_deadline());
    EXPECT_TRUE(reset.has_value());
  };
  using namespace net::experimental::awaitable_operators;
  const auto started = std::chrono::steady_clock::now();
  const bool migrated =
      co_await (migrate_at_start(pool, directory_, std::chrono::seconds{20}) && promote());
  EXPECT_TRUE(migrated);
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds{1500});
  EXPECT_EQ(co_await recorded_versions(pool), 1);
}

// A directory that does not exist is a migration error, not an empty success.
CO_TEST_F(MigrationsTest, MissingDirectoryIsAMigrationError) {
  PgPool pool{co_await net::this_coro::executor, options()};
  auto result = co_await run_migrations(pool, directory_ / "absent", test_deadline());
  CO_ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, PgErrorKind::kMigration);
}

}  // namespace
}  // namespace phonebill::storage::testing
