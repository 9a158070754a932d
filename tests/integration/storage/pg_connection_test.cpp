// PgConnection against a real PostgreSQL: the libpq calls it wraps, parameters, errors
// with SQLSTATE, and every way a wait can end (answer, deadline, refused, silent server).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "storage/pg_binary_array.hpp"
#include "storage/pg_connection.hpp"
#include "storage_test_support.hpp"

namespace phonebill::storage::testing {
namespace {

namespace net = boost::asio;

class PgConnectionTest : public DatabaseSuite<PgConnectionTest> {
 public:
  static constexpr const char* kDatabasePrefix = "storage_connection";
};

// A TCP listener that completes handshakes but never says a word: a hung server.
class SilentServer {
 public:
  SilentServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::listen(fd_, 16);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  ~SilentServer() { ::close(fd_); }
  std::string dsn() const {
    return "host=127.0.0.1 port=" + std::to_string(port_) + " user=postgres dbname=postgres";
  }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

// Connecting to a live server gives a usable connection with a backend behind it.
CO_TEST_F(PgConnectionTest, ConnectsAndRunsAQuery) {
  auto connection =
      co_await PgConnection::connect(co_await net::this_coro::executor, dsn(), test_deadline());
  CO_ASSERT_PG_OK(connection);
  EXPECT_GT((*connection)->backend_pid(), 0);
  auto rows = co_await (*connection)->query("SELECT 1 + 1 AS two", {}, test_deadline());
  CO_ASSERT_PG_OK(rows);
  EXPECT_EQ(rows->row_count(), 1u);
  EXPECT_EQ(rows->int64(0, "two"), 2);
  EXPECT_TRUE((*connection)->is_idle());
}

// Parameters travel as text: NULL stays NULL and Korean UTF-8 text arrives unchanged.
CO_TEST_F(PgConnectionTest, ParametersKeepNullAndKoreanText) {
  auto connection =
      co_await PgConnection::connect(co_await net::this_coro::executor, dsn(), test_deadline());
  CO_ASSERT_PG_OK(connection);
  const std::string korean = "ID 또는 비밀번호를 확인해주세요";
  auto rows =
      co_await (*connection)
          ->query(
              "SELECT $1::text AS greeting, $2::text AS missing, $3::bigint AS amount, "
              "length($1::text) AS characters, $4::boolean AS flag",
              pg_params(korean, std::nullopt, std::int64_t{-9'000'000'000}, true), test_deadline());
  CO_ASSERT_PG_OK(rows);
  EXPECT_EQ(rows->text(0, "greeting"), korean);
  EXPECT_TRUE(rows->is_null(0, "missing"));
  EXPECT_EQ(rows->optional_text(0, "missing"), std::nullopt);
  EXPECT_EQ(rows->int64(0, "amount"), -9'000'000'000);
  EXPECT_EQ(rows->int64(0, "characters"), 18);
  EXPECT_TRUE(rows->boolean(0, "flag"));
}

// A prepared statement runs many times by name; affected rows come from PQcmdTuples.
CO_TEST_F(PgConnectionTest, PreparedStatementRunsByName) {
  auto connection =
      co_await PgConnection::connect(co_await net::this_coro::executor, dsn(), test_deadline());
  CO_ASSERT_PG_OK(connection);
  auto& db = **connection;
  CO_ASSERT_PG_OK(co_await db.execute_script(
      "CREATE TABLE prepared_items (id bigint PRIMARY KEY, label text)", test_deadline()));
  CO_ASSERT_PG_OK(co_await db.prepare(
      "items.insert", "INSERT INTO prepared_items (id, label) VALUES ($1, $2)", test_deadline()));
  EXPECT_TRUE(db.is_prepared("items.insert"));
  for (int id = 1; id <= 3; ++id) {
    auto inserted =
        co_await db.execute_prepared("items.insert", pg_params(id, "item"), test_deadline());
    CO_ASSERT_PG_OK(inserted);
    EXPECT_EQ(inserted->affected_rows(), 1u);
  }
  auto updated = co_await db.query("UPDATE prepared_items SET label = 'x'", {}, test_deadline());
  CO_ASSERT_PG_OK(updated);
  EXPECT_EQ(updated->affected_rows(), 3u);
  EXPECT_EQ(updated->command_tag(), "UPDATE 3");
}

// Binary-format array parameters (PgBinaryArray) arrive as the values written: text with
// Korean and NULLs, bytea with zero bytes, int4, timestamptz to the microsecond; unnest
// turns one array per column into rows, and an array of the wrong element type is refused.
CO_TEST_F(PgConnectionTest, BinaryArrayParametersUnnestIntoRows) {
  auto connection =
      co_await PgConnection::connect(co_await net::this_coro::executor, dsn(), test_deadline());
  CO_ASSERT_PG_OK(connection);
  auto& db = **connection;
  CO_ASSERT_PG_OK(co_await db.prepare("arrays.rows", R"SQL(
SELECT label, encode(payload, 'hex') AS payload, amount,
  to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS at
FROM unnest($1::text[], $2::bytea[], $3::integer[], $4::timestamptz[])
  AS r(label, payload, amount, at)
)SQL",
                                      test_deadline()));
  PgBinaryArray labels{PgArrayOf::kText};
  labels.text("청구서");
  labels.null();
  PgBinaryArray payloads{PgArrayOf::kBytea};
  payloads.text(std::string{"\0\x01\xff", 3});
  payloads.text("");
  PgBinaryArray amounts{PgArrayOf::kInt4};
  amounts.int4(-7);
  amounts.int4(2'147'483'647);
  PgBinaryArray times{PgArrayOf::kTimestamptz};
  const auto at = std::chrono::sys_days{std::chrono::year{2026} / 12 / 7} +
                  std::chrono::microseconds{3'723'000'123};  // 01:02:03.000123
  times.timestamptz(at);
  times.null();
  PgBinaryParams params;
  for (auto* array : {&labels, &payloads, &amounts, &times})
    params.values.push_back(std::move(*array).finish());
  auto rows = co_await db.execute_prepared("arrays.rows", params, test_deadline());
  CO_ASSERT_PG_OK(rows);
  CO_ASSERT_EQ(rows->row_count(), 2u);
  EXPECT_EQ(rows->text(0, "label"), "청구서");
  EXPECT_EQ(rows->text(0, "payload"), "0001ff");
  EXPECT_EQ(rows->int64(0, "amount"), -7);
  EXPECT_EQ(rows->text(0, "at"), "2026-12-07 01:02:03.000123");
  EXPECT_TRUE(rows->is_null(1, "label"));
  EXPECT_EQ(rows->text(1, "payload"), "");
  EXPECT_EQ(rows->int64(1, "amount"), 2'147'483'647);
  EXPECT_TRUE(rows->is_null(1, "at"));

  // Empty arrays: no rows. The connection stays usable after each call.
  PgBinaryParams empty;
  for (auto type : {PgArrayOf::kText, PgArrayOf::kBytea, PgArrayOf::kInt4, PgArrayOf::kTimestamptz})
    empty.values.push_back(PgBinaryArray{type}.finish());
  auto none = co_await db.execute_prepared("arrays.rows", empty, test_deadline());
  CO_ASSERT_PG_OK(none);
  EXPECT_EQ(none->row_count(), 0u);

  // A bytea array where text[] is expected: the server says so, nothing is half-read.
  PgBinaryParams wrong = empty;
  wrong.values[0] = PgBinaryArray{PgArrayOf::kBytea}.finish();
  auto refused = co_await db.execute_prepared("arrays.rows", wrong, test_deadline());
  CO_ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().kind, PgErrorKind::kQuery);
  EXPECT_FALSE(db.is_broken());
  auto again = co_await db.execute_prepared("arrays.rows", empty, test_deadline());
  CO_ASSERT_PG_OK(again);
}

// A parameter far larger than the socket buffers goes out through the PQflush loop.
CO_TEST_F(PgConnectionTest, LargeParameterIsFlushedCompletely) {
  auto connection =
      co_await PgConnection::connect(co_await net::this_coro::executor, dsn(), test_deadline());
  CO_ASSERT_PG_OK(connection);
  const std::string large(8 * 1024 * 1024, 'x');
  auto rows = co_await (*connection)
                  ->query("SELECT length($1::text) AS size, md5($1::text) AS hash",
                          pg_params(large), test_deadline());
  CO_ASSERT_PG_OK(rows);
  EXPECT_EQ(rows->int64(0, "size"), 8 * 1024 * 1024);
  auto expected = co_await (*connection)
                      ->query("SELECT md5(repeat('x', 8388608)) AS hash", {}, test_deadline());
  CO_ASSERT_PG_OK(expected);
  EXPECT_EQ(rows->text(0, "hash"), expected->text(0, "hash"));
}

// The session asks the server to notice a vanished client while a query runs, so a
// query abandoned at its deadline does not keep running on the server.
CO_TEST_F(PgConnectionTest, SessionChecksForVanishedClient) {
  auto connection =
      co_await PgConnection::connect(co_await net::this_coro::executor, dsn(), test_deadline());
  CO_ASSERT_PG_OK(connection);
  auto setting =
      co_await (*connection)->query("SHOW client_connection_check_interval", {}, test_deadline());
  CO_ASSERT_PG_OK(setting);
  EXPECT_EQ(setting->text(0, 0), "1s");
}

// A duplicate key is a query error carrying SQLSTATE 23505 and the constraint name;
// the connection stays usable.
CO_TEST_F(PgConnectionTest, UniqueViolationReportsSqlstate) {
  auto connection =
      co_await PgConnection::connect(co_await net::this_coro::executor, dsn(), test_deadline());
  CO_ASSERT_PG_OK(connection);
  auto& db = **connection;
  CO_ASSERT_PG_OK(co_await db.execute_script(
      "CREATE TABLE unique_users (user_id text CONSTRAINT unique_users_pkey PRIMARY KEY)",
      test_deadline()));
  const auto insert = "INSERT INTO unique_users VALUES ($1)";
  CO_ASSERT_PG_OK(co_await db.query(insert, pg_params("user01"), test_deadline()));
  auto duplicate = co_await db.query(insert, pg_params("user01"), test_deadline());
  CO_ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().kind, PgErrorKind::kQuery);
  EXPECT_TRUE(duplicate.error().is_unique_violation());
  EXPECT_EQ(duplicate.error().constraint, "unique_users_pkey");
  EXPECT_FALSE(db.is_broken());
  CO_ASSERT_PG_OK(co_await db.query("SELECT 1", {}, test_deadline()));
}

// A script runs all its statements; an error in it reports that statement's SQLSTATE.
CO_TEST_F(PgConnectionTest, ScriptRunsSeveralStatementsAndStopsAtError) {
  auto connection =
      co_await PgConnection::connect(co_await net::this_coro::executor, dsn(), test_deadline());
  CO_ASSERT_PG_OK(connection);
  auto& db = **connection;
  auto created = co_await db.execute_script(
      "CREATE TABLE script_a (id int); CREATE TABLE script_b (id int); "
      "INSERT INTO script_a VALUES (1), (2); SELECT count(*) AS rows FROM script_a",
      test_deadline());
  CO_ASSERT_PG_OK(created);
  EXPECT_EQ(created->int64(0, "rows"), 2);
  auto failed = co_await db.execute_script("SELECT 1; SELECT * FROM no_such_table; SELECT 2",
                                           test_deadline());
  CO_ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().sqlstate, "42P01");  // undefined_table
  EXPECT_FALSE(db.is_broken());
}

// A query still running at its deadline ends with a timeout promptly and breaks the
// connection (the pool then drops it).
CO_TEST_F(PgConnectionTest, SlowQueryTimesOutAtDeadline) {
  auto connection =
      co_await PgConnection::connect(co_await net::this_coro::executor, dsn(), test_deadline());
  CO_ASSERT_PG_OK(connection);
  const auto start = std::chrono::steady_clock::now();
  auto slow = co_await (*connection)->query("SELECT pg_sleep(5)", {}, deadline_after(200ms));
  CO_ASSERT_FALSE(slow);
  EXPECT_EQ(slow.error().kind, PgErrorKind::kTimeout);
  EXPECT_LT(elapsed_since(start), 2000ms);
  EXPECT_TRUE((*connection)->is_broken());
  auto after = co_await (*connection)->query("SELECT 1", {}, test_deadline());
  EXPECT_EQ(after.error().kind, PgErrorKind::kConnection);
}

// A deadline already in the past fails before anything is sent; the connection is fine.
CO_TEST_F(PgConnectionTest, PastDeadlineFailsWithoutSending) {
  auto connection =
      co_await PgConnection::connect(co_await net::this_coro::executor, dsn(), test_deadline());
  CO_ASSERT_PG_OK(connection);
  auto late = co_await (*connection)->query("SELECT 1", {}, deadline_after(-1s));
  CO_ASSERT_FALSE(late);
  EXPECT_EQ(late.error().kind, PgErrorKind::kTimeout);
  EXPECT_FALSE((*connection)->is_broken());
}

// Nothing listening: a connection error well within the deadline.
CO_TEST_F(PgConnectionTest, RefusedConnectionFailsFast) {
  const auto start = std::chrono::steady_clock::now();
  auto connection = co_await PgConnection::connect(
      co_await net::this_coro::executor, test_support::unreachable_dsn(), deadline_after(3s));
  CO_ASSERT_FALSE(connection);
  EXPECT_EQ(connection.error().kind, PgErrorKind::kConnection);
  EXPECT_LT(elapsed_since(start), 2000ms);
}

// A server that accepts but never answers: a timeout at the deadline, not a hang.
CO_TEST_F(PgConnectionTest, SilentServerTimesOutAtDeadline) {
  SilentServer server;
  const auto start = std::chrono::steady_clock::now();
  auto connection = co_await PgConnection::connect(co_await net::this_coro::executor, server.dsn(),
                                                   deadline_after(300ms));
  CO_ASSERT_FALSE(connection);
  EXPECT_EQ(connection.error().kind, PgErrorKind::kTimeout);
  EXPECT_GE(elapsed_since(start), 250ms);
  EXPECT_LT(elapsed_since(start), 2000ms);
}

// A malformed DSN is a connection error, not a crash.
CO_TEST_F(PgConnectionTest, MalformedDsnIsAConnectionError) {
  auto connection = co_await PgConnection::connect(
      co_await net::this_coro::executor, "host=127.0.0.1 nonsense_option=1", test_deadline());
  CO_ASSERT_FALSE(connection);
  EXPECT_EQ(connection.error().kind, PgErrorKind::kConnection);
}

// When the server ends the session, the next call reports a connection error and the
// connection is marked broken.
CO_TEST_F(PgConnectionTest, TerminatedBackendBreaksConnection) {
  auto executor = co_await net::this_coro::executor;
  auto victim = co_await PgConnection::connect(executor, dsn(), test_deadline());
  auto killer = co_await PgConnection::connect(executor, dsn(), test_deadline());
  CO_ASSERT_PG_OK(victim);
  CO_ASSERT_PG_OK(killer);
  auto terminated = co_await (*killer)->query("SELECT pg_terminate_backend($1)",
                                              pg_params((*victim)->backend_pid()), test_deadline());
  CO_ASSERT_PG_OK(terminated);
  net::steady_timer pause{executor, 100ms};
  co_await pause.async_wait(net::use_awaitable);
  auto after = co_await (*victim)->query("SELECT 1", {}, test_deadline());
  CO_ASSERT_FALSE(after);
  EXPECT_EQ(after.error().kind, PgErrorKind::kConnection);
  EXPECT_TRUE((*victim)->is_broken());
}

// A caller that stops waiting (its own cancellation) gets its answer quickly and
// leaves a broken connection behind, never a hang.
CO_TEST_F(PgConnectionTest, CallerCancellationEndsTheWait) {
  using namespace net::experimental::awaitable_operators;
  auto executor = co_await net::this_coro::executor;
  auto connection = co_await PgConnection::connect(executor, dsn(), test_deadline());
  CO_ASSERT_PG_OK(connection);
  net::steady_timer give_up{executor, 200ms};
  const auto start = std::chrono::steady_clock::now();
  auto winner = co_await ((*connection)->query("SELECT pg_sleep(5)", {}, test_deadline()) ||
                          give_up.async_wait(net::as_tuple(net::use_awaitable)));
  EXPECT_EQ(winner.index(), 1u);
  EXPECT_LT(elapsed_since(start), 2000ms);
  EXPECT_TRUE((*connection)->is_broken());
}

// A second call while one is running on the same connection is refused, not interleaved.
CO_TEST_F(PgConnectionTest, ConcurrentCallOnOneConnectionIsRefused) {
  using namespace net::experimental::awaitable_operators;
  auto connection =
      co_await PgConnection::connect(co_await net::this_coro::executor, dsn(), test_deadline());
  CO_ASSERT_PG_OK(connection);
  auto both = co_await ((*connection)->query("SELECT pg_sleep(0.2)", {}, test_deadline()) &&
                        (*connection)->query("SELECT 1", {}, test_deadline()));
  EXPECT_TRUE(std::get<0>(both)) << describe(std::get<0>(both).error());
  CO_ASSERT_FALSE(std::get<1>(both));
  EXPECT_EQ(std::get<1>(both).error().kind, PgErrorKind::kUsage);
}

}  // namespace
}  // namespace phonebill::storage::testing
