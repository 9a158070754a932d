// One PostgreSQL connection driven through libpq's asynchronous API on an Asio executor,
// so no thread ever blocks on the network (STYLE §7). Entry points: PgConnection::connect,
// then query / prepare / execute_prepared / execute_script. Every call takes a deadline;
// a timeout, cancellation or I/O failure marks the connection broken and PgPool drops it.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <memory>
#include <string>
#include <string_view>

#include "storage/pg_result.hpp"

namespace phonebill::storage {

// Owns one PGconn*. Used by one coroutine at a time (PgPool hands it out through a
// lease); a second call while one is running fails with kUsage. Each call runs its
// libpq work on the connection's own strand, so callers may sit on any executor, and
// a multi-threaded io_context is fine.
//
// Arguments are borrowed: co_await each call in the expression that makes it (the
// usual case) so the strings and params outlive it.
//
// libpq resolves host names inside PQconnectPoll with a blocking getaddrinfo; use an IP
// address (or hostaddr=) in production DSNs to keep the loop free.
class PgConnection {
 public:
  // PQconnectStartParams + PQconnectPoll until ready, then PQsetnonblocking. `dsn` is
  // a libpq key=value string or a postgresql:// URI. Fails with kConnection when the
  // server refuses or the DSN is bad, kTimeout when the deadline passes first.
  static boost::asio::awaitable<PgResult<std::unique_ptr<PgConnection>>> connect(
      boost::asio::any_io_executor executor, std::string dsn, Deadline deadline);

  ~PgConnection();  // PQfinish
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // PQsendQueryParams: one statement with text parameters $1..$n (extended protocol).
  boost::asio::awaitable<PgResult<PgRows>> query(std::string_view sql, const PgParams& params,
                                                 Deadline deadline);
  // PQsendPrepare: makes `sql` callable as `name` on this connection.
  boost::asio::awaitable<PgResult<void>> prepare(std::string_view name, std::string_view sql,
                                                 Deadline deadline);
  // PQsendQueryPrepared: runs a statement made by prepare().
  boost::asio::awaitable<PgResult<PgRows>> execute_prepared(std::string_view name,
                                                            const PgParams& params,
                                                            Deadline deadline);
  // The same with every parameter in binary format (PgBinaryParams); kUsage for a value
  // over 2 GiB.
  boost::asio::awaitable<PgResult<PgRows>> execute_prepared(std::string_view name,
                                                            const PgBinaryParams& params,
                                                            Deadline deadline);
  // PQsendQuery: the simple protocol, for scripts of several ';'-separated statements
  // without parameters (migrations). Gives the last statement's rows or the first error.
  boost::asio::awaitable<PgResult<PgRows>> execute_script(std::string_view sql, Deadline deadline);

  // True once a timeout, cancellation or I/O failure left the connection unusable.
  bool is_broken() const;
  void mark_broken();
  // PQtransactionStatus is PQTRANS_IDLE: no transaction open, nothing in flight.
  bool is_idle() const;
  // PQconsumeInput + PQstatus without waiting: false (and broken) if the server went
  // away while the connection sat idle. Only for a connection no call is running on.
  bool check_alive();
  // Whether prepare(name) has succeeded on this connection.
  bool is_prepared(std::string_view name) const;
  // PQbackendPID: the server process serving this connection (logs, tests).
  int backend_pid() const;

 private:
  struct Impl;
  explicit PgConnection(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
};

}  // namespace phonebill::storage
