// PgPool after a PostgreSQL failover (Patroni, docs/reliability.md): a connection that
// answers "read-only" (25006: it reached a demoted primary or a standby) is dropped and
// reported as a connection failure (the services answer 503, not 500), and a libpq
// multi-host DSN with target_session_attrs=read-write skips a member that is down.
#include <gtest/gtest.h>

#include "storage/pg_pool.hpp"
#include "storage_test_support.hpp"

namespace phonebill::storage::testing {
namespace {

namespace net = boost::asio;

class PgFailoverTest : public DatabaseSuite<PgFailoverTest> {
 public:
  static constexpr const char* kDatabasePrefix = "storage_failover";
};

// The one connection of the pool turns read-only (as a demoted primary does): the write
// fails as kConnection with its SQLSTATE, the connection is not handed out again, and
// the next write, on a fresh connection, commits.
CO_TEST_F(PgFailoverTest, ReadOnlyAnswerDropsTheConnection) {
  // The executor first: g++ 12 mishandles a co_await inside a braced initialiser.
  auto executor = co_await net::this_coro::executor;
  PgPool pool{executor, {.dsn = dsn(), .max_connections = 1}};
  CO_ASSERT_PG_OK(co_await pool.query("CREATE TABLE IF NOT EXISTS failover_probe (id int)", {},
                                      test_deadline()));
  auto before = co_await pool.query("SELECT pg_backend_pid() AS pid", {}, test_deadline());
  CO_ASSERT_PG_OK(before);
  CO_ASSERT_PG_OK(
      co_await pool.query("SET default_transaction_read_only = on", {}, test_deadline()));

  auto refused = co_await pool.query("INSERT INTO failover_probe VALUES (1)", {}, test_deadline());
  CO_ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().sqlstate, "25006");
  EXPECT_EQ(refused.error().kind, PgErrorKind::kConnection);

  auto after = co_await pool.query("SELECT pg_backend_pid() AS pid", {}, test_deadline());
  CO_ASSERT_PG_OK(after);
  EXPECT_NE(after->int64(0, "pid"), before->int64(0, "pid"));
  CO_ASSERT_PG_OK(
      co_await pool.query("INSERT INTO failover_probe VALUES (2)", {}, test_deadline()));
}

// host=a,b port=x,y target_session_attrs=read-write: libpq tries the members in turn; a
// dead first member costs one refused connect, and the pool gets the writable one.
CO_TEST_F(PgFailoverTest, MultiHostDsnSkipsAMemberThatIsDown) {
  auto executor = co_await net::this_coro::executor;
  PgPool direct{executor, {.dsn = dsn(), .max_connections = 1}};
  auto port = co_await direct.query("SELECT inet_server_port() AS port", {}, test_deadline());
  CO_ASSERT_PG_OK(port);
  // libpq takes the last of a repeated keyword: these override the DSN's host and port.
  const auto multi_host =
      dsn() + " host=127.0.0.1,127.0.0.1 port=" + std::to_string(test_support::find_free_port()) +
      "," + std::to_string(port->int64(0, "port")) +
      " target_session_attrs=read-write connect_timeout=2";
  PgPool pool{executor, {.dsn = multi_host, .max_connections = 2}};
  CO_ASSERT_PG_OK(co_await pool.query("CREATE TABLE IF NOT EXISTS failover_multi (id int)", {},
                                      test_deadline()));
  CO_ASSERT_PG_OK(
      co_await pool.query("INSERT INTO failover_multi VALUES (1)", {}, test_deadline()));
  auto read_only = co_await pool.query("SHOW transaction_read_only", {}, test_deadline());
  CO_ASSERT_PG_OK(read_only);
  EXPECT_EQ(read_only->text(0, "transaction_read_only"), "off");
}

}  // namespace
}  // namespace phonebill::storage::testing
