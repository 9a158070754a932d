// PgPool against a real PostgreSQL: registered statements, waiting for and timing out
// on a full pool, recovery after timeouts and lost connections, transactions through a
// lease, and many concurrent callers on one or several io_context threads.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <vector>

#include "storage/pg_connection.hpp"
#include "storage_test_support.hpp"

namespace phonebill::storage::testing {
namespace {

namespace net = boost::asio;
using net::awaitable;

class PgPoolTest : public DatabaseSuite<PgPoolTest> {
 public:
  static constexpr const char* kDatabasePrefix = "storage_pool";

 protected:
  static PgPoolOptions options(std::size_t max_connections) {
    return PgPoolOptions{.dsn = dsn(), .max_connections = max_connections};
  }
};

// Runs every task concurrently on the current executor and waits for all of them;
// a task that throws counts as a test failure.
awaitable<void> run_concurrently(std::vector<awaitable<void>> tasks) {
  auto executor = co_await net::this_coro::executor;
  const std::size_t count = tasks.size();
  net::experimental::concurrent_channel<void(boost::system::error_code)> done{executor, count};
  std::atomic<int> thrown{0};
  for (auto& task : tasks) {
    net::co_spawn(executor, std::move(task), [&](std::exception_ptr error) {
      if (error) ++thrown;
      done.try_send(boost::system::error_code{});
    });
  }
  for (std::size_t index = 0; index < count; ++index) {
    co_await done.async_receive(net::use_awaitable);
  }
  EXPECT_EQ(thrown.load(), 0);
}

awaitable<void> release_after(PgLease lease, std::chrono::milliseconds delay) {
  net::steady_timer timer{co_await net::this_coro::executor, delay};
  co_await timer.async_wait(net::use_awaitable);
  lease.release();
}

// One caller of the concurrency tests: adds its number through a registered statement.
awaitable<void> add_number(PgPool& pool, int number, std::atomic<int>& succeeded) {
  auto added = co_await pool.execute("pool.add_number", pg_params(number), deadline_after(30s));
  if (added && added->affected_rows() == 1)
    ++succeeded;
  else
    ADD_FAILURE() << describe(added.error());
}

// `callers` concurrent callers on a pool of three; every one gets through.
awaitable<void> add_numbers_concurrently(std::string dsn, int callers) {
  // (g++ 12 double-destroys a braced temporary sharing a full-expression with co_await.)
  auto executor = co_await net::this_coro::executor;
  PgPool pool{executor, {.dsn = dsn, .max_connections = 3}};
  const std::string table = "numbers_" + std::to_string(callers);
  CO_ASSERT_PG_OK(co_await pool.query("CREATE TABLE " + table + " (number int PRIMARY KEY)", {},
                                      test_deadline()));
  pool.register_statement("pool.add_number", "INSERT INTO " + table + " VALUES ($1)");
  std::atomic<int> succeeded{0};
  std::vector<awaitable<void>> tasks;
  for (int number = 0; number < callers; ++number) {
    tasks.push_back(add_number(pool, number, succeeded));
  }
  co_await run_concurrently(std::move(tasks));
  EXPECT_EQ(succeeded.load(), callers);
  auto count = co_await pool.query("SELECT count(*) AS n FROM " + table, {}, test_deadline());
  CO_ASSERT_PG_OK(count);
  EXPECT_EQ(count->int64(0, "n"), callers);
  EXPECT_LE(pool.stats().open, 3u);
}

// A registered statement is prepared on each connection the first time it runs there.
CO_TEST_F(PgPoolTest, RegisteredStatementRunsOnEveryConnection) {
  PgPool pool{co_await net::this_coro::executor, options(2)};
  pool.register_statement("pool.echo", "SELECT $1::text AS value");
  auto first = co_await pool.acquire(test_deadline());
  auto second = co_await pool.acquire(test_deadline());
  CO_ASSERT_PG_OK(first);
  CO_ASSERT_PG_OK(second);
  for (auto* lease : {&*first, &*second}) {
    auto echoed = co_await lease->execute("pool.echo", pg_params("요금"), test_deadline());
    CO_ASSERT_PG_OK(echoed);
    EXPECT_EQ(echoed->text(0, "value"), "요금");
    EXPECT_TRUE(lease->connection().is_prepared("pool.echo"));
  }
  EXPECT_EQ(pool.stats().open, 2u);
  first->release();
  second->release();
  EXPECT_EQ(pool.stats().idle, 2u);
  auto again = co_await pool.execute("pool.echo", pg_params("again"), test_deadline());
  CO_ASSERT_PG_OK(again);
  EXPECT_EQ(again->text(0, 0), "again");
}

// Running a name nobody registered is a usage error, not a server round trip.
CO_TEST_F(PgPoolTest, UnknownStatementIsAUsageError) {
  PgPool pool{co_await net::this_coro::executor, options(1)};
  auto result = co_await pool.execute("pool.missing", {}, test_deadline());
  CO_ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, PgErrorKind::kUsage);
}

// The same name may be registered twice only with the same SQL.
TEST_F(PgPoolTest, RegisteringOtherSqlUnderATakenNameThrows) {
  net::io_context io;
  PgPool pool{io, options(1)};
  pool.register_statement("pool.same", "SELECT 1");
  EXPECT_NO_THROW(pool.register_statement("pool.same", "SELECT 1"));
  EXPECT_THROW(pool.register_statement("pool.same", "SELECT 2"), std::logic_error);
}

// With every connection leased, a caller waits and then times out at its deadline.
CO_TEST_F(PgPoolTest, FullPoolTimesOutAtDeadline) {
  PgPool pool{co_await net::this_coro::executor, options(1)};
  auto held = co_await pool.acquire(test_deadline());
  CO_ASSERT_PG_OK(held);
  const auto start = std::chrono::steady_clock::now();
  auto result = co_await pool.query("SELECT 1", {}, deadline_after(200ms));
  CO_ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, PgErrorKind::kTimeout);
  EXPECT_GE(elapsed_since(start), 150ms);
  EXPECT_LT(elapsed_since(start), 2000ms);
  EXPECT_EQ(pool.stats().waiting, 0u);
  EXPECT_EQ(pool.stats().open, 1u);
}

// A waiting caller gets the connection as soon as its holder gives it back.
CO_TEST_F(PgPoolTest, WaiterGetsReleasedConnection) {
  auto executor = co_await net::this_coro::executor;
  PgPool pool{executor, options(1)};
  auto held = co_await pool.acquire(test_deadline());
  CO_ASSERT_PG_OK(held);
  const int holder_pid = held->connection().backend_pid();
  net::co_spawn(executor, release_after(std::move(*held), 100ms), net::detached);
  auto result = co_await pool.query("SELECT pg_backend_pid() AS pid", {}, test_deadline());
  CO_ASSERT_PG_OK(result);
  EXPECT_EQ(result->int64(0, "pid"), holder_pid);
  EXPECT_EQ(pool.stats().open, 1u);
}

// A query that times out costs its connection, but the pool opens a new one.
CO_TEST_F(PgPoolTest, TimedOutQueryLeavesPoolUsable) {
  PgPool pool{co_await net::this_coro::executor, options(1)};
  const auto start = std::chrono::steady_clock::now();
  auto slow = co_await pool.query("SELECT pg_sleep(5)", {}, deadline_after(200ms));
  CO_ASSERT_FALSE(slow);
  EXPECT_EQ(slow.error().kind, PgErrorKind::kTimeout);
  EXPECT_LT(elapsed_since(start), 2000ms);
  EXPECT_EQ(pool.stats().open, 0u);
  auto fast = co_await pool.query("SELECT 1 AS one", {}, test_deadline());
  CO_ASSERT_PG_OK(fast);
  EXPECT_EQ(fast->int64(0, "one"), 1);
}

// The server stops a query whose caller timed out within seconds (the dropped
// connection is noticed through client_connection_check_interval).
CO_TEST_F(PgPoolTest, AbandonedQueryStopsOnServer) {
  auto executor = co_await net::this_coro::executor;
  PgPool pool{executor, options(2)};
  auto slow = co_await pool.query("SELECT pg_sleep(30) AS abandoned", {}, deadline_after(200ms));
  CO_ASSERT_FALSE(slow);
  const auto start = std::chrono::steady_clock::now();
  std::int64_t running = -1;
  while (running != 0 && elapsed_since(start) < 10s) {
    net::steady_timer pause{executor, 100ms};
    co_await pause.async_wait(net::use_awaitable);
    auto rows = co_await pool.query(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE query LIKE '%pg_sleep(30) AS abandoned'"
        " AND pid <> pg_backend_pid()",
        {}, test_deadline());
    CO_ASSERT_PG_OK(rows);
    running = rows->int64(0, "n");
  }
  EXPECT_EQ(running, 0);
  EXPECT_LT(elapsed_since(start), 5s);
}

// An idle connection the server dropped is noticed and replaced on the next acquire.
CO_TEST_F(PgPoolTest, LostIdleConnectionIsReplaced) {
  auto executor = co_await net::this_coro::executor;
  PgPool pool{executor, options(1)};
  auto before = co_await pool.query("SELECT pg_backend_pid() AS pid", {}, test_deadline());
  CO_ASSERT_PG_OK(before);
  auto admin = co_await PgConnection::connect(executor, dsn(), test_deadline());
  CO_ASSERT_PG_OK(admin);
  CO_ASSERT_PG_OK(co_await (*admin)->query("SELECT pg_terminate_backend($1)",
                                           pg_params(before->int64(0, "pid")), test_deadline()));
  net::steady_timer pause{executor, 200ms};
  co_await pause.async_wait(net::use_awaitable);
  auto after = co_await pool.query("SELECT pg_backend_pid() AS pid", {}, test_deadline());
  CO_ASSERT_PG_OK(after);
  EXPECT_NE(after->int64(0, "pid"), before->int64(0, "pid"));
}

// Fifty callers on three connections all get through, none twice.
CO_TEST_F(PgPoolTest, ManyConcurrentQueriesShareASmallPool) {
  co_await add_numbers_concurrently(dsn(), 50);
}

// The same with the io_context on four threads: the pool is safe to share across them.
TEST_F(PgPoolTest, ManyConcurrentQueriesOnSeveralThreads) {
  net::io_context io{4};
  test_support::run_coroutine_on_threads(io, add_numbers_concurrently(dsn(), 200), 4);
}

// Statements inside a committed transaction are visible afterwards.
CO_TEST_F(PgPoolTest, CommittedTransactionIsVisible) {
  PgPool pool{co_await net::this_coro::executor, options(2)};
  CO_ASSERT_PG_OK(co_await pool.query("CREATE TABLE committed_rows (id int)", {}, test_deadline()));
  {
    auto lease = co_await pool.acquire(test_deadline());
    CO_ASSERT_PG_OK(lease);
    CO_ASSERT_PG_OK(co_await lease->begin(test_deadline()));
    CO_ASSERT_PG_OK(
        co_await lease->query("INSERT INTO committed_rows VALUES (1), (2)", {}, test_deadline()));
    CO_ASSERT_PG_OK(co_await lease->commit(test_deadline()));
  }
  EXPECT_EQ(pool.stats().idle, 1u);  // a finished transaction keeps its connection
  auto count = co_await pool.query("SELECT count(*) AS n FROM committed_rows", {}, test_deadline());
  CO_ASSERT_PG_OK(count);
  EXPECT_EQ(count->int64(0, "n"), 2);
}

// Rolling back discards the transaction's writes.
CO_TEST_F(PgPoolTest, RolledBackTransactionLeavesNoTrace) {
  PgPool pool{co_await net::this_coro::executor, options(2)};
  CO_ASSERT_PG_OK(
      co_await pool.query("CREATE TABLE rolled_back_rows (id int)", {}, test_deadline()));
  auto lease = co_await pool.acquire(test_deadline());
  CO_ASSERT_PG_OK(lease);
  CO_ASSERT_PG_OK(co_await lease->begin(test_deadline()));
  CO_ASSERT_PG_OK(
      co_await lease->query("INSERT INTO rolled_back_rows VALUES (1)", {}, test_deadline()));
  CO_ASSERT_PG_OK(co_await lease->rollback(test_deadline()));
  lease->release();
  auto count =
      co_await pool.query("SELECT count(*) AS n FROM rolled_back_rows", {}, test_deadline());
  CO_ASSERT_PG_OK(count);
  EXPECT_EQ(count->int64(0, "n"), 0);
}

// A lease dropped with its transaction open (an early return) closes the connection,
// so the server rolls back and releases the locks at once.
CO_TEST_F(PgPoolTest, LeaseDroppedInsideTransactionRollsBack) {
  PgPool pool{co_await net::this_coro::executor, options(2)};
  CO_ASSERT_PG_OK(
      co_await pool.query("CREATE TABLE abandoned_rows (id int PRIMARY KEY)", {}, test_deadline()));
  {
    auto lease = co_await pool.acquire(test_deadline());
    CO_ASSERT_PG_OK(lease);
    CO_ASSERT_PG_OK(co_await lease->begin(test_deadline()));
    CO_ASSERT_PG_OK(
        co_await lease->query("INSERT INTO abandoned_rows VALUES (1)", {}, test_deadline()));
  }
  EXPECT_EQ(pool.stats().open, 0u);  // closed, not pooled
  // The row lock died with the session: inserting the same key again does not block.
  CO_ASSERT_PG_OK(
      co_await pool.query("INSERT INTO abandoned_rows VALUES (1)", {}, deadline_after(2s)));
}

// A database that cannot be reached gives a connection error within the deadline and
// frees the slot for the next try.
CO_TEST_F(PgPoolTest, UnreachableDatabaseIsAConnectionError) {
  auto executor = co_await net::this_coro::executor;
  PgPool pool{executor, {.dsn = test_support::unreachable_dsn(), .max_connections = 1}};
  const auto start = std::chrono::steady_clock::now();
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto result = co_await pool.query("SELECT 1", {}, deadline_after(3s));
    CO_ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, PgErrorKind::kConnection);
  }
  EXPECT_LT(elapsed_since(start), 3000ms);
  EXPECT_EQ(pool.stats().open, 0u);
}

// A lease may outlive its pool: it closes its connection when it ends.
CO_TEST_F(PgPoolTest, LeaseOutlivesItsPool) {
  std::optional<PgLease> survivor;
  {
    PgPool pool{co_await net::this_coro::executor, options(1)};
    auto lease = co_await pool.acquire(test_deadline());
    CO_ASSERT_PG_OK(lease);
    survivor.emplace(std::move(*lease));
  }
  auto still = co_await survivor->query("SELECT 1", {}, test_deadline());
  EXPECT_TRUE(still);
  survivor.reset();
}

}  // namespace
}  // namespace phonebill::storage::testing
