// The PostgreSQL connection pool every store uses. Entry points: register_statement once
// at start-up, then `co_await pool.execute("bill.insert_request", params, deadline)`;
// `query` for unnamed SQL; `acquire` for a PgLease (transactions: begin/commit/rollback).
// Connections open lazily, up to max_connections; broken ones are dropped and replaced.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "storage/pg_connection.hpp"
#include "storage/pg_result.hpp"

namespace boost::asio {
class io_context;
}

namespace phonebill::storage {

namespace detail {
struct PoolState;
}

struct PgPoolOptions {
  std::string dsn;                  // libpq key=value string or postgresql:// URI
  std::size_t max_connections = 4;  // opened on demand, never more at once
};

// A snapshot for /metrics and /readyz.
struct PgPoolStats {
  std::size_t open = 0;     // connected or connecting
  std::size_t idle = 0;     // open and free
  std::size_t waiting = 0;  // callers queued for a free connection
};

// Exclusive use of one pooled connection, for a transaction or several statements in a
// row. Destroying the lease gives the connection back. If a transaction is still open
// then (not committed or rolled back, e.g. an early co_return on error), the connection
// is closed instead: the server rolls back at once and no lock outlives the lease.
class PgLease {
 public:
  PgLease(PgLease&&) noexcept;
  PgLease& operator=(PgLease&&) noexcept;
  ~PgLease();

  // Runs a registered statement, preparing it on this connection first if needed.
  boost::asio::awaitable<PgResult<PgRows>> execute(std::string_view name, PgParams params,
                                                   Deadline deadline);
  // The same with binary-format parameters (batches as arrays: pg_binary_array.hpp).
  boost::asio::awaitable<PgResult<PgRows>> execute(std::string_view name,
                                                   const PgBinaryParams& params, Deadline deadline);
  // Runs unnamed SQL with $1..$n parameters.
  boost::asio::awaitable<PgResult<PgRows>> query(std::string_view sql, PgParams params,
                                                 Deadline deadline);
  // Runs several ';'-separated statements without parameters (simple protocol).
  boost::asio::awaitable<PgResult<PgRows>> execute_script(std::string_view sql, Deadline deadline);

  boost::asio::awaitable<PgResult<void>> begin(Deadline deadline);     // BEGIN
  boost::asio::awaitable<PgResult<void>> commit(Deadline deadline);    // COMMIT
  boost::asio::awaitable<PgResult<void>> rollback(Deadline deadline);  // ROLLBACK

  // The leased connection (valid until release or destruction).
  PgConnection& connection() { return *connection_; }
  // Gives the connection back now (as destruction would); the lease is empty afterwards.
  void release();

 private:
  friend class PgPool;
  PgLease(std::shared_ptr<detail::PoolState> pool, std::unique_ptr<PgConnection> connection);

  // Prepares the registered statement `name` on this connection unless it was already.
  boost::asio::awaitable<PgResult<void>> prepare_once(std::string_view name, Deadline deadline);

  std::shared_ptr<detail::PoolState> pool_;
  std::unique_ptr<PgConnection> connection_;
};

// Thread safety: the pool's bookkeeping is guarded by a mutex, so coroutines on any
// executor and any number of io_context threads may share one pool. Each connection
// runs its libpq work on its own strand (see PgConnection). Destroy the pool before its
// io_context; leases still alive then close their connections when they end.
class PgPool {
 public:
  PgPool(boost::asio::any_io_executor executor, PgPoolOptions options);
  PgPool(boost::asio::io_context& io, PgPoolOptions options);
  ~PgPool();
  PgPool(const PgPool&) = delete;
  PgPool& operator=(const PgPool&) = delete;

  // Makes `sql` runnable as `name` by execute(); each connection prepares it
  // (PQsendPrepare) the first time it runs it, so registering before the schema exists
  // is fine. The same name with the same SQL again is a no-op; with other SQL it throws
  // std::logic_error (a programming error).
  void register_statement(std::string name, std::string sql);

  // Runs a registered statement on a free connection. kUsage for an unknown name.
  boost::asio::awaitable<PgResult<PgRows>> execute(std::string_view name, PgParams params,
                                                   Deadline deadline);
  // Runs unnamed SQL with $1..$n parameters on a free connection.
  boost::asio::awaitable<PgResult<PgRows>> query(std::string_view sql, PgParams params,
                                                 Deadline deadline);
  // Waits for a free connection (connecting one if below max_connections) until the
  // deadline: kTimeout when none frees up in time, kConnection when connecting fails.
  boost::asio::awaitable<PgResult<PgLease>> acquire(Deadline deadline);

  // True when a connection answers `SELECT 1` by the deadline (readiness checks).
  boost::asio::awaitable<bool> ping(Deadline deadline);

  PgPoolStats stats() const;

 private:
  std::shared_ptr<detail::PoolState> state_;
};

}  // namespace phonebill::storage
