// libpq's asynchronous protocol on Asio (see pg_connection.hpp). Each call runs as one
// coroutine on the connection's strand: send (PQsend*), flush (PQflush), then read
// (PQconsumeInput / PQisBusy / PQgetResult until null). Every socket wait races a timer
// set to the caller's deadline; losing that race marks the connection broken.
#include "storage/pg_connection.hpp"

#include <fcntl.h>
#include <libpq-fe.h>
#include <openssl/ssl.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/multiple_exceptions.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <limits>
#include <optional>
#include <set>
#include <string_view>
#include <variant>
#include <vector>

#include "core/log.hpp"

namespace phonebill::storage {
namespace {

// Server errors after which this connection is no use, although libpq still calls it
// open: 25006 read_only_sql_transaction (after a failover we reached a demoted primary,
// or a standby: the next connection's target_session_attrs=read-write finds the new
// primary) and 57P01-57P03 (shutting down, crashed, not accepting connections yet). The
// connection is dropped and the caller sees kConnection (a 503), not kQuery (a 500).
bool server_gone_for_us(std::string_view sqlstate) {
  return sqlstate == "25006" || sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03";
}

namespace net = boost::asio;
using net::awaitable;
using namespace net::experimental::awaitable_operators;

// Sent in the startup packet: the server checks every second whether the client is
// still there while a query runs, so a query we abandoned at its deadline (by closing
// the connection) stops soon instead of running to completion. A DSN's own `options`
// take precedence.
constexpr const char* kSessionOptions = "-c client_connection_check_interval=1000";

enum class Readiness { kReadable, kWritable, kReadableOrWritable };
enum class WaitOutcome { kReady, kTimeout, kCancelled, kFailed };

// libpq messages end in newlines and indent continuation lines with tabs.
std::string one_line(const char* text) {
  std::string line = text ? text : "";
  for (char& character : line) {
    if (character == '\n' || character == '\t') character = ' ';
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line;
}

PgError error_from_result(const PGresult* result) {
  PgError error = local_error(PgErrorKind::kQuery, {});
  if (const char* sqlstate = PQresultErrorField(result, PG_DIAG_SQLSTATE))
    error.sqlstate = sqlstate;
  if (const char* constraint = PQresultErrorField(result, PG_DIAG_CONSTRAINT_NAME)) {
    error.constraint = constraint;
  }
  const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  error.message = one_line(primary ? primary : PQresultErrorMessage(result));
  return error;
}

void clear_result(const pg_result* result) { PQclear(const_cast<PGresult*>(result)); }

// Server notices (e.g. "relation already exists, skipping") go to the debug log, not
// to stderr as libpq's default processor would.
void log_notice(void*, const char* message) {
  log::debug("pg_notice", {{"message", one_line(message)}});
}

// Text-format parameter values for PQsendQueryParams / PQsendQueryPrepared.
class ParamArray {
 public:
  explicit ParamArray(const PgParams& params) {
    values_.reserve(params.size());
    for (const auto& param : params) values_.push_back(param ? param->c_str() : nullptr);
  }
  int size() const { return static_cast<int>(values_.size()); }
  const char* const* data() const { return values_.data(); }

 private:
  std::vector<const char*> values_;
};

// Binary-format parameter values, lengths and formats for PQsendQueryPrepared; valid()
// is false when a value is too long for libpq's int lengths.
class BinaryParamArray {
 public:
  explicit BinaryParamArray(const PgBinaryParams& params) {
    values_.reserve(params.values.size());
    lengths_.reserve(params.values.size());
    for (const auto& value : params.values) {
      if (value.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) valid_ = false;
      values_.push_back(value.data());
      lengths_.push_back(static_cast<int>(value.size()));
    }
    formats_.assign(params.values.size(), 1);
  }
  bool valid() const { return valid_; }
  int size() const { return static_cast<int>(values_.size()); }
  const char* const* values() const { return values_.data(); }
  const int* lengths() const { return lengths_.data(); }
  const int* formats() const { return formats_.data(); }

 private:
  std::vector<const char*> values_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
  bool valid_ = true;
};

}  // namespace

struct PgConnection::Impl {
  explicit Impl(const net::any_io_executor& executor)
      : strand(net::make_strand(executor)), timer(strand) {}

  ~Impl() {
    socket.reset();
    if (connection != nullptr) PQfinish(connection);
  }

  // Waits go to a dup() of libpq's socket, never to libpq's own fd: libpq closes its fd
  // when a connection fails (and swaps sockets while connecting), and taking a closed
  // descriptor number out of the reactor could hit an unrelated fd that reused the
  // number. libpq keeps owning its fd; we own and close only the duplicate.
  bool watch_socket() {
    socket.reset();
    const int libpq_fd = PQsocket(connection);
    if (libpq_fd < 0) return false;
    const int duplicate = ::fcntl(libpq_fd, F_DUPFD_CLOEXEC, 0);
    if (duplicate < 0) return false;
    boost::system::error_code error;
    socket.emplace(strand);
    socket->assign(duplicate, error);
    if (error) {
      socket.reset();
      ::close(duplicate);
      return false;
    }
    return true;
  }

  std::string last_error() const { return one_line(PQerrorMessage(connection)); }

  PgError broken_error(const char* call) {
    broken = true;
    return local_error(PgErrorKind::kConnection, std::string{call} + ": " + last_error());
  }

  PgError wait_error(WaitOutcome outcome, const char* activity) {
    broken = true;
    switch (outcome) {
      case WaitOutcome::kTimeout:
        return local_error(PgErrorKind::kTimeout, std::string{"deadline passed while "} + activity);
      case WaitOutcome::kCancelled:
        return local_error(PgErrorKind::kCancelled, std::string{"cancelled while "} + activity);
      default:
        return local_error(PgErrorKind::kConnection,
                           std::string{"socket wait failed while "} + activity);
    }
  }

  // One readiness wait on the socket; cancellation comes from the race in wait_socket.
  awaitable<boost::system::error_code> wait_descriptor(Readiness readiness) {
    if (readiness == Readiness::kReadableOrWritable) {
      auto either =
          co_await (wait_descriptor(Readiness::kReadable) || wait_descriptor(Readiness::kWritable));
      co_return std::visit([](boost::system::error_code error) { return error; }, either);
    }
    const auto type = readiness == Readiness::kReadable ? net::posix::descriptor_base::wait_read
                                                        : net::posix::descriptor_base::wait_write;
    auto [error] = co_await socket->async_wait(type, net::as_tuple(net::use_awaitable));
    co_return error;
  }

  // Waits until the socket is ready or the deadline passes, whichever comes first.
  awaitable<WaitOutcome> wait_socket(Readiness readiness, Deadline deadline) {
    auto state = co_await net::this_coro::cancellation_state;
    if (state.cancelled() != net::cancellation_type::none) co_return WaitOutcome::kCancelled;
    if (std::chrono::steady_clock::now() >= deadline) co_return WaitOutcome::kTimeout;
    timer.expires_at(deadline);
    try {
      auto winner = co_await (wait_descriptor(readiness) ||
                              timer.async_wait(net::as_tuple(net::use_awaitable)));
      if (winner.index() == 1) {
        auto [timer_error] = std::get<1>(winner);
        co_return timer_error ? WaitOutcome::kCancelled : WaitOutcome::kTimeout;
      }
      const auto socket_error = std::get<0>(winner);
      if (!socket_error) co_return WaitOutcome::kReady;
      co_return socket_error == net::error::operation_aborted ? WaitOutcome::kCancelled
                                                              : WaitOutcome::kFailed;
    } catch (const boost::system::system_error&) {
      // Only cancellation of the awaiting coroutine makes both waiters throw.
      co_return WaitOutcome::kCancelled;
    } catch (const net::multiple_exceptions&) {
      co_return WaitOutcome::kCancelled;
    }
  }

  // True when OpenSSL holds decrypted bytes libpq has not taken: the socket will not
  // signal readability for them, so they must be consumed without waiting.
  bool ssl_has_pending() const {
    if (PQsslInUse(connection) == 0) return false;
    auto* ssl = static_cast<SSL*>(PQsslStruct(connection, "OpenSSL"));
    return ssl != nullptr && SSL_pending(ssl) > 0;
  }

  awaitable<PgResult<void>> connect(std::string dsn, Deadline deadline) {
    co_await net::this_coro::throw_if_cancelled(false);
    const char* const keywords[] = {"fallback_application_name", "options", "dbname", nullptr};
    const char* const values[] = {"phonebill", kSessionOptions, dsn.c_str(), nullptr};
    connection = PQconnectStartParams(keywords, values, /*expand_dbname=*/1);
    if (connection == nullptr) {
      co_return local_error(PgErrorKind::kConnection, "PQconnectStartParams: out of memory");
    }
    if (PQstatus(connection) == CONNECTION_BAD) co_return broken_error("PQconnectStartParams");
    // As libpq documents: behave as if PQconnectPoll last returned PGRES_POLLING_WRITING.
    PostgresPollingStatusType polling = PGRES_POLLING_WRITING;
    while (polling != PGRES_POLLING_OK) {
      if (polling == PGRES_POLLING_FAILED) co_return broken_error("PQconnectPoll");
      // libpq may have replaced its socket during the last PQconnectPoll.
      if (!watch_socket()) co_return broken_error("PQsocket");
      const auto outcome = co_await wait_socket(
          polling == PGRES_POLLING_READING ? Readiness::kReadable : Readiness::kWritable, deadline);
      if (outcome != WaitOutcome::kReady) co_return wait_error(outcome, "connecting");
      polling = PQconnectPoll(connection);
    }
    if (PQsetnonblocking(connection, 1) != 0) co_return broken_error("PQsetnonblocking");
    PQsetNoticeProcessor(connection, &log_notice, nullptr);
    if (!watch_socket()) co_return broken_error("PQsocket");
    co_return PgResult<void>{};
  }

  // PQflush until libpq's output buffer is empty. While the server cannot take more,
  // it may be sending to us, so input is consumed too (as libpq's docs require).
  awaitable<PgResult<void>> flush_output(Deadline deadline) {
    for (;;) {
      const int status = PQflush(connection);
      if (status == 0) co_return PgResult<void>{};
      if (status < 0) co_return broken_error("PQflush");
      const auto outcome = co_await wait_socket(Readiness::kReadableOrWritable, deadline);
      if (outcome != WaitOutcome::kReady) co_return wait_error(outcome, "sending");
      if (PQconsumeInput(connection) == 0) co_return broken_error("PQconsumeInput");
    }
  }

  // Reads every result of the command until PQgetResult returns null. Gives the last
  // successful result, or the first error (a script stops at its first error anyway).
  awaitable<PgResult<PgRows>> read_results(Deadline deadline) {
    std::optional<PgError> first_error;
    PgRows rows;
    for (;;) {
      while (PQisBusy(connection) != 0) {
        if (!ssl_has_pending()) {
          const auto outcome = co_await wait_socket(Readiness::kReadable, deadline);
          if (outcome != WaitOutcome::kReady) co_return wait_error(outcome, "waiting for results");
        }
        if (PQconsumeInput(connection) == 0) co_return broken_error("PQconsumeInput");
      }
      PGresult* raw = PQgetResult(connection);
      if (raw == nullptr) break;
      std::shared_ptr<const pg_result> result{raw, &clear_result};
      switch (PQresultStatus(raw)) {
        case PGRES_COMMAND_OK:
        case PGRES_TUPLES_OK:
        case PGRES_EMPTY_QUERY:
          if (!first_error) rows = PgRows{std::move(result)};
          break;
        case PGRES_COPY_IN:
        case PGRES_COPY_OUT:
        case PGRES_COPY_BOTH:
          broken = true;  // libpq now expects COPY data we will never send
          co_return local_error(PgErrorKind::kUsage, "COPY is not supported");
        default:
          if (!first_error) first_error = error_from_result(raw);
          break;
      }
    }
    if (first_error) {
      if (PQstatus(connection) == CONNECTION_BAD || server_gone_for_us(first_error->sqlstate)) {
        broken = true;
        first_error->kind = PgErrorKind::kConnection;
      }
      co_return std::move(*first_error);
    }
    co_return rows;
  }

  // One complete call: `send` queues the command (a PQsend* returning 1 on success),
  // then flush and read. Runs on the strand.
  template <typename Send>
  awaitable<PgResult<PgRows>> run_call(Send send, const char* call, Deadline deadline) {
    co_await net::this_coro::throw_if_cancelled(false);
    if (broken) co_return local_error(PgErrorKind::kConnection, "connection is broken");
    if (busy) co_return local_error(PgErrorKind::kUsage, "connection already has a call running");
    if (std::chrono::steady_clock::now() >= deadline) {
      co_return local_error(PgErrorKind::kTimeout, "deadline passed before the call");
    }
    busy = true;
    struct BusyReset {
      bool& busy;
      ~BusyReset() { busy = false; }
    } reset{busy};
    co_return co_await send_flush_read(send, call, deadline);
  }

  template <typename Send>
  awaitable<PgResult<PgRows>> send_flush_read(Send& send, const char* call, Deadline deadline) {
    if (send() == 0) {
      if (PQstatus(connection) == CONNECTION_BAD) co_return broken_error(call);
      broken = true;  // libpq refused the command; do not trust this connection's state
      co_return local_error(PgErrorKind::kUsage, std::string{call} + ": " + last_error());
    }
    if (auto flushed = co_await flush_output(deadline); !flushed) co_return flushed.error();
    co_return co_await read_results(deadline);
  }

  net::strand<net::any_io_executor> strand;
  net::steady_timer timer;
  std::optional<net::posix::stream_descriptor> socket;  // the duplicate, see watch_socket
  PGconn* connection = nullptr;
  bool broken = false;
  bool busy = false;
  std::set<std::string, std::less<>> prepared;
};

PgConnection::PgConnection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

PgConnection::~PgConnection() = default;

awaitable<PgResult<std::unique_ptr<PgConnection>>> PgConnection::connect(
    net::any_io_executor executor, std::string dsn, Deadline deadline) {
  auto impl = std::make_unique<Impl>(executor);
  auto connected = co_await net::co_spawn(impl->strand, impl->connect(std::move(dsn), deadline),
                                          net::use_awaitable);
  if (!connected) co_return connected.error();
  co_return std::unique_ptr<PgConnection>(new PgConnection(std::move(impl)));
}

awaitable<PgResult<PgRows>> PgConnection::query(std::string_view sql, const PgParams& params,
                                                Deadline deadline) {
  const std::string text{sql};
  const ParamArray values{params};
  Impl& impl = *impl_;
  auto send = [&] {
    return PQsendQueryParams(impl.connection, text.c_str(), values.size(), nullptr, values.data(),
                             nullptr, nullptr, 0);
  };
  co_return co_await net::co_spawn(impl.strand, impl.run_call(send, "PQsendQueryParams", deadline),
                                   net::use_awaitable);
}

awaitable<PgResult<void>> PgConnection::prepare(std::string_view name, std::string_view sql,
                                                Deadline deadline) {
  const std::string statement_name{name};
  const std::string text{sql};
  Impl& impl = *impl_;
  auto send = [&] {
    return PQsendPrepare(impl.connection, statement_name.c_str(), text.c_str(), 0, nullptr);
  };
  auto prepared = co_await net::co_spawn(
      impl.strand, impl.run_call(send, "PQsendPrepare", deadline), net::use_awaitable);
  if (!prepared) co_return prepared.error();
  impl.prepared.insert(statement_name);
  co_return PgResult<void>{};
}

awaitable<PgResult<PgRows>> PgConnection::execute_prepared(std::string_view name,
                                                           const PgParams& params,
                                                           Deadline deadline) {
  const std::string statement_name{name};
  const ParamArray values{params};
  Impl& impl = *impl_;
  auto send = [&] {
    return PQsendQueryPrepared(impl.connection, statement_name.c_str(), values.size(),
                               values.data(), nullptr, nullptr, 0);
  };
  co_return co_await net::co_spawn(
      impl.strand, impl.run_call(send, "PQsendQueryPrepared", deadline), net::use_awaitable);
}

awaitable<PgResult<PgRows>> PgConnection::execute_prepared(std::string_view name,
                                                           const PgBinaryParams& params,
                                                           Deadline deadline) {
  const std::string statement_name{name};
  const BinaryParamArray values{params};
  if (!values.valid())
    co_return local_error(PgErrorKind::kUsage, "a binary parameter is over 2 GiB");
  Impl& impl = *impl_;
  auto send = [&] {
    return PQsendQueryPrepared(impl.connection, statement_name.c_str(), values.size(),
                               values.values(), values.lengths(), values.formats(), 0);
  };
  co_return co_await net::co_spawn(
      impl.strand, impl.run_call(send, "PQsendQueryPrepared", deadline), net::use_awaitable);
}

awaitable<PgResult<PgRows>> PgConnection::execute_script(std::string_view sql, Deadline deadline) {
  const std::string text{sql};
  Impl& impl = *impl_;
  auto send = [&] { return PQsendQuery(impl.connection, text.c_str()); };
  co_return co_await net::co_spawn(impl.strand, impl.run_call(send, "PQsendQuery", deadline),
                                   net::use_awaitable);
}

bool PgConnection::is_broken() const { return impl_->broken; }

void PgConnection::mark_broken() { impl_->broken = true; }

bool PgConnection::is_idle() const {
  return !impl_->broken && PQtransactionStatus(impl_->connection) == PQTRANS_IDLE;
}

bool PgConnection::check_alive() {
  Impl& impl = *impl_;
  if (impl.broken) return false;
  // Twice: a server that said goodbye sends its error first and the end of file after.
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (PQconsumeInput(impl.connection) == 0 || PQstatus(impl.connection) != CONNECTION_OK) {
      impl.broken = true;
      return false;
    }
  }
  return true;
}

bool PgConnection::is_prepared(std::string_view name) const {
  return impl_->prepared.find(name) != impl_->prepared.end();
}

int PgConnection::backend_pid() const { return PQbackendPID(impl_->connection); }

}  // namespace phonebill::storage
